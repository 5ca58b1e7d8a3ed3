import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node.js';
import { swapIsCheaper } from './wasm-kernels.js';

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

/** Reference C[b] = op(A[b]) op(B[b or 0]) in float64. */
function reference(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  ta: boolean,
  tb: boolean,
): number[] {
  const [ra, ca] = aShape.slice(-2) as [number, number];
  const [rb, cb] = bShape.slice(-2) as [number, number];
  const batch = aShape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batchB = bShape.slice(0, -2).reduce((p, d) => p * d, 1);
  const [m, k, n] = [ta ? ca : ra, ta ? ra : ca, tb ? rb : cb];
  const out: number[] = [];
  for (let p = 0; p < batch; p++) {
    const ao = p * ra * ca;
    const bo = (batchB === 1 ? 0 : p) * rb * cb;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = ta ? a[ao + q * ca + i]! : a[ao + i * ca + q]!;
          const bv = tb ? b[bo + j * cb + q]! : b[bo + q * cb + j]!;
          s += av * bv;
        }
        out.push(s);
      }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(1e-4 * Math.max(1, ...expected.map(Math.abs)));
}

describe('wasm BatchMatMul wrapper', () => {
  beforeAll(() => initBackend('wasm'));

  // Shapes reach every path: direct, swapped (rows >= 16, wide B), transposed operands, folded
  // batch axes, batched right operands, and a matrix-vector product.
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 30], [30, 200], false, false],
    [[64, 30], [200, 30], false, true],
    [[30, 64], [30, 200], true, false],
    [[30, 64], [200, 30], true, true],
    [[200, 64], [64, 300], false, false],
    [[3, 20, 30], [30, 100], false, false],
    [[3, 30, 20], [100, 30], true, true],
    [[2, 17, 5], [2, 5, 9], false, false],
    [[2, 5, 17], [2, 9, 5], true, true],
    [[1, 40], [40, 7], false, false],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    it(`[${aShape}]${ta ? 'ᵀ' : ''} x [${bShape}]${tb ? 'ᵀ' : ''} matches a float64 reference`, () => {
      const a = seeded(
        aShape.reduce((p, d) => p * d, 1),
        1,
      );
      const b = seeded(
        bShape.reduce((p, d) => p * d, 1),
        2,
      );
      const A = tf.tensor(a, aShape);
      const B = tf.tensor(b, bShape);
      const expected = reference(a, aShape, b, bShape, ta, tb);
      // Twice: the second product reuses B, which takes the packed-weights path.
      for (let i = 0; i < 2; i++) {
        const y = tf.matMul(A, B, ta, tb);
        expectClose(y.dataSync(), expected);
        y.dispose();
      }
      tf.dispose([A, B]);
    });
  }

  it('gradients of a product match the analytic ones', () => {
    const a = tf.tensor(seeded(64 * 30, 3), [64, 30]);
    const w = tf.tensor(seeded(30 * 200, 4), [30, 200]);
    const dy = tf.tensor(seeded(64 * 200, 5), [64, 200]);
    const [ga, gw] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y))([a, w], dy);
    expectClose(
      ga!.dataSync(),
      reference(dy.dataSync() as Float32Array, [64, 200], w.dataSync() as Float32Array, [30, 200], false, true),
    );
    expectClose(
      gw!.dataSync(),
      reference(a.dataSync() as Float32Array, [64, 30], dy.dataSync() as Float32Array, [64, 200], true, false),
    );
    tf.dispose([a, w, dy, ga!, gw!]);
  });

  it('Identity shares the data and keeps the values', () => {
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect([...y.dataSync()]).toEqual([1, 2, 3]);
    y.dispose();
  });
});

describe('swapIsCheaper', () => {
  it('streams the big weight in the forward and input-gradient products, not in the weight gradient', () => {
    expect(swapIsCheaper(64, 784, 800, false, false, false)).toBe(true); // x W, fresh W
    expect(swapIsCheaper(64, 800, 784, false, true, false)).toBe(true); // dy W^T
    expect(swapIsCheaper(784, 64, 800, true, false, false)).toBe(false); // x^T dy
    expect(swapIsCheaper(64, 784, 800, false, false, true)).toBe(false); // W already packed
  });
});
