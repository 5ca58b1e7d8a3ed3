// The forward-op gradients on wasm must equal TF.js's own kernels on cpu.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node.js';

// float32 sums of a few hundred products computed in another order: 1e-4 relative to the largest
// gradient entry (plus 1e-5 absolute) is far below any real indexing error (which is O(1)).
const REL = 1e-4;

function maxAbsDiff(a: Float32Array | number[], b: Float32Array | number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function maxAbs(a: Float32Array | number[]): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  expect(maxAbs(expected)).toBeGreaterThan(0);
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(REL * maxAbs(expected) + 1e-5);
}

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Grads = Float32Array[];
type Case = { shapes: number[][]; loss: (...xs: tf.Tensor[]) => tf.Scalar };

async function gradsOn(backend: 'cpu' | 'wasm', c: Case): Promise<Grads> {
  await initBackend(backend);
  return tf.tidy(() => {
    const xs = c.shapes.map((s, i) =>
      tf.tensor(
        values(
          s.reduce((a, b) => a * b, 1),
          7 + i,
        ),
        s,
      ),
    );
    // A weighted sum makes every output position matter differently.
    const g = tf.grads((...ys: tf.Tensor[]) => c.loss(...ys));
    return g(xs).map((t) => t.dataSync() as Float32Array);
  });
}

function weighted(y: tf.Tensor): tf.Scalar {
  return y.mul(tf.tensor(values(y.size, 99), y.shape)).sum();
}

async function expectSameOnBothBackends(c: Case): Promise<void> {
  const cpu = await gradsOn('cpu', c);
  const wasm = await gradsOn('wasm', c);
  expect(wasm.length).toBe(cpu.length);
  for (let i = 0; i < cpu.length; i++) expectClose(wasm[i]!, cpu[i]!);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Conv2D gradient on wasm (forward ops) vs cpu kernels', () => {
  const configs: {
    name: string;
    x: number[];
    w: number[];
    s: number;
    pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
  }[] = [
    { name: '3x3 stride 1 same', x: [2, 7, 6, 3], w: [3, 3, 3, 4], s: 1, pad: 'same' },
    { name: '5x5 stride 1 valid', x: [3, 9, 8, 2], w: [5, 5, 2, 3], s: 1, pad: 'valid' },
    { name: '3x3 stride 2 same', x: [2, 9, 8, 3], w: [3, 3, 3, 5], s: 2, pad: 'same' },
    {
      name: '2x3 stride 2 asymmetric pads',
      x: [1, 8, 7, 2],
      w: [2, 3, 2, 3],
      s: 2,
      pad: [
        [0, 0],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
    },
    { name: '1x1 stride 2 valid (unused rows)', x: [2, 7, 7, 4], w: [1, 1, 4, 2], s: 2, pad: 'valid' },
  ];
  for (const cfg of configs) {
    it(cfg.name, async () => {
      await expectSameOnBothBackends({
        shapes: [cfg.x, cfg.w],
        loss: (x, w) => weighted(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, cfg.s, cfg.pad)),
      });
    });
  }

  it('dilated conv (no TF.js gradient exists) matches a conv with an explicitly dilated filter', async () => {
    await initBackend('wasm');
    const x = tf.tensor(values(2 * 9 * 9 * 2, 3), [2, 9, 9, 2]) as tf.Tensor4D;
    const w = tf.tensor(values(3 * 2 * 2 * 3, 4), [3, 2, 2, 3]) as tf.Tensor4D;
    const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [
      [0, 0],
      [2, 1],
      [1, 1],
      [0, 0],
    ];
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      weighted(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad, 'NHWC', [2, 3])),
    )([x, w]);
    // Reference on cpu: dilate by hand (zeros between taps), then TF.js's own gradient.
    await initBackend('cpu');
    const wd = tf.tidy(() => {
      const taps = w.arraySync();
      const out = Array.from({ length: 5 }, (_, i) =>
        Array.from({ length: 4 }, (_, j) =>
          i % 2 === 0 && j % 3 === 0
            ? taps[i / 2]![j / 3]!
            : [
                [0, 0, 0],
                [0, 0, 0],
              ],
        ),
      );
      return tf.tensor4d(out);
    });
    const [rx, rwd] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      weighted(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad)),
    )([x, wd]);
    const rw = tf.stridedSlice(rwd!, [0, 0, 0, 0], [5, 4, 2, 3], [2, 3, 1, 1]);
    expectClose(gx!.dataSync() as Float32Array, rx!.dataSync() as Float32Array);
    expectClose(gw!.dataSync() as Float32Array, rw.dataSync() as Float32Array);
  });
});

describe('other wasm gradient overrides vs cpu kernels', () => {
  it('depthwise conv, multiplier 2, stride 2, same', async () => {
    await expectSameOnBothBackends({
      shapes: [
        [2, 8, 7, 3],
        [3, 3, 3, 2],
      ],
      loss: (x, w) => weighted(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')),
    });
  });
  it('depthwise conv, explicit asymmetric pads, stride 1', async () => {
    await expectSameOnBothBackends({
      shapes: [
        [1, 6, 6, 4],
        [3, 2, 4, 1],
      ],
      loss: (x, w) =>
        weighted(
          tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, [
            [0, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ]),
        ),
    });
  });
  it('transposed conv (Conv2DBackpropInput), stride 2', async () => {
    await expectSameOnBothBackends({
      shapes: [
        [2, 4, 3, 5],
        [3, 3, 2, 5],
      ],
      loss: (x, w) => weighted(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 6, 2], 2, 'same')),
    });
  });
  it('gather along axis 1 with repeated indices', async () => {
    await expectSameOnBothBackends({
      shapes: [[3, 5, 2]],
      loss: (x) => weighted(tf.gather(x!, tf.tensor1d([4, 0, 4, 2], 'int32'), 1)),
    });
  });
});

describe('MaxPool gradient on wasm (non-overlapping windows, forward ops) vs cpu kernels', () => {
  for (const [name, shape, k] of [
    ['2x2 windows', [2, 8, 8, 3], 2],
    ['3x3 windows, rows left over', [1, 10, 11, 2], 3],
  ] as const) {
    it(name, () =>
      expectSameOnBothBackends({
        shapes: [[...shape]],
        loss: (x) => weighted(tf.maxPool(x as tf.Tensor4D, k, k, 'valid')),
      }),
    );
  }
});

describe('ClipByValue gradient on wasm vs cpu kernels', () => {
  it('passes the gradient where the clamp leaves x unchanged', () =>
    expectSameOnBothBackends({ shapes: [[4, 5, 6]], loss: (x) => weighted(tf.clipByValue(x, -0.3, 0.5)) }));
});
