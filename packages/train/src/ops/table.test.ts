// Op-level numerics against values computed by hand, on the wasm backend and on cpu.
import * as tf from '@tensorflow/tfjs';
import { attr, float32Tensor, UnsupportedError, type Attr } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../node.js';
import { OpAttrs } from './op-attrs.js';
import type { OpContext } from './op-types.js';
import { lookupOp } from './table.js';

type In = { v: number[]; s: number[]; int?: boolean } | undefined;
const f = (v: number[], s: number[]): In => ({ v, s });
const i32 = (v: number[], s: number[] = [v.length]): In => ({ v, s, int: true });

interface RunOpts {
  opset?: number;
  training?: boolean;
  outputs?: number;
  assigned?: Map<number, number[]>;
}

function run(
  op: string,
  inputs: In[],
  attrs: Record<string, Attr> = {},
  o: RunOpts = {},
): { shape: number[]; v: number[] }[] {
  let seed = 1;
  const ctx: OpContext = {
    opset: o.opset ?? 17,
    training: o.training ?? false,
    node: `test_${op}`,
    outputs: o.outputs ?? 1,
    nextSeed: () => seed++,
    assignInput: (i, t) => o.assigned?.set(i, Array.from(t.dataSync())),
  };
  return tf.tidy(() => {
    const ts = inputs.map((x) => (x === undefined ? undefined : tf.tensor(x.v, x.s, x.int ? 'int32' : 'float32')));
    const out = lookupOp(op)(ts as tf.Tensor[], OpAttrs.of(attrs), ctx);
    return out.map((t) => ({ shape: t.shape, v: Array.from(t.dataSync(), Number) }));
  });
}

function expectValues(
  actual: { shape: number[]; v: number[] } | undefined,
  shape: number[],
  values: number[],
  tol = 1e-5,
): void {
  expect(actual).toBeDefined();
  expect(actual!.shape).toEqual(shape);
  expect(actual!.v.length).toBe(values.length);
  actual!.v.forEach((x, i) => expect(Math.abs(x - values[i]!)).toBeLessThanOrEqual(tol));
}

const x3x3 = f([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
const ones2x2 = f([1, 1, 1, 1], [1, 1, 2, 2]);
const x4x4 = f(
  Array.from({ length: 16 }, (_, i) => i),
  [1, 1, 4, 4],
);
const ones3x3 = f(Array(9).fill(1), [1, 1, 3, 3]);

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`op table on ${backend}`, () => {
    it('initialises the backend', async () => {
      await initBackend(backend);
      expect(tf.getBackend()).toBe(backend);
    });

    it('Conv: valid, end pads with bias, SAME_UPPER/LOWER stride 2', () => {
      expectValues(run('Conv', [x3x3, ones2x2])[0], [1, 1, 2, 2], [12, 16, 24, 28]);
      expectValues(
        run('Conv', [x3x3, ones2x2, f([1], [1])], { pads: attr.ints([0, 0, 1, 1]) })[0],
        [1, 1, 3, 3],
        [13, 17, 10, 25, 29, 16, 16, 18, 10],
      );
      const s2 = { strides: attr.ints([2, 2]) };
      expectValues(
        run('Conv', [x4x4, ones3x3], { ...s2, auto_pad: attr.string('SAME_UPPER') })[0],
        [1, 1, 2, 2],
        [45, 39, 66, 50],
      );
      expectValues(
        run('Conv', [x4x4, ones3x3], { ...s2, auto_pad: attr.string('SAME_LOWER') })[0],
        [1, 1, 2, 2],
        [10, 24, 51, 90],
      );
    });

    it('Conv: depthwise (group = channels), grouped, 1-D dilated', () => {
      const x = f([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
      expectValues(
        run('Conv', [x, f([2, 3], [2, 1, 1, 1])], { group: attr.int(2) })[0],
        [1, 2, 2, 2],
        [2, 4, 6, 8, 30, 60, 90, 120],
      );
      // group 2 with 2 outputs per group: out channel k reads input channel floor(k/2).
      expectValues(
        run('Conv', [x, f([1, 2, 3, 4], [4, 1, 1, 1])], { group: attr.int(2) })[0],
        [1, 4, 2, 2],
        [1, 2, 3, 4, 2, 4, 6, 8, 30, 60, 90, 120, 40, 80, 120, 160],
      );
      expectValues(
        run('Conv', [f([1, 2, 3, 4, 5], [1, 1, 5]), f([1, 1], [1, 1, 2])], { dilations: attr.ints([2]) })[0],
        [1, 1, 3],
        [4, 6, 8],
      );
    });

    it('ConvTranspose: stride 1 full, stride 2 blocks, pads crop', () => {
      const x = f([1, 2, 3, 4], [1, 1, 2, 2]);
      expectValues(run('ConvTranspose', [x, ones2x2])[0], [1, 1, 3, 3], [1, 3, 2, 4, 10, 6, 3, 7, 4]);
      expectValues(
        run('ConvTranspose', [x, ones2x2], { strides: attr.ints([2, 2]) })[0],
        [1, 1, 4, 4],
        [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4],
      );
      expectValues(run('ConvTranspose', [x, ones2x2], { pads: attr.ints([1, 1, 1, 1]) })[0], [1, 1, 1, 1], [10]);
    });

    it('MaxPool and AveragePool: ceil_mode, count_include_pad', () => {
      const row = f([1, 2, 3, 4, 5], [1, 1, 1, 5]);
      const k12 = { kernel_shape: attr.ints([1, 2]), strides: attr.ints([1, 2]) };
      expectValues(run('MaxPool', [row], k12)[0], [1, 1, 1, 2], [2, 4]);
      expectValues(run('MaxPool', [row], { ...k12, ceil_mode: attr.int(1) })[0], [1, 1, 1, 3], [2, 4, 5]);
      expectValues(run('AveragePool', [row], { ...k12, ceil_mode: attr.int(1) })[0], [1, 1, 1, 3], [1.5, 3.5, 5]);
      const three = f([1, 2, 3], [1, 1, 1, 3]);
      const k13 = { kernel_shape: attr.ints([1, 3]), pads: attr.ints([0, 1, 0, 1]) };
      expectValues(run('AveragePool', [three], k13)[0], [1, 1, 1, 3], [1.5, 2, 2.5]);
      expectValues(
        run('AveragePool', [three], { ...k13, count_include_pad: attr.int(1) })[0],
        [1, 1, 1, 3],
        [1, 2, 5 / 3],
      );
      expectValues(run('GlobalAveragePool', [x3x3])[0], [1, 1, 1, 1], [5]);
    });

    it('Gemm with transB, alpha, beta; MatMul with 1-D and broadcast batch', () => {
      const a = f([1, 2, 3, 4, 5, 6], [2, 3]);
      const bT = f([1, 0, 1, 0, 1, 0], [2, 3]);
      const attrs = { transB: attr.int(1), alpha: attr.float(2), beta: attr.float(0.5) };
      expectValues(run('Gemm', [a, bT, f([1, 2], [2])], attrs)[0], [2, 2], [8.5, 5, 20.5, 11]);
      expectValues(run('MatMul', [f([1, 2], [2]), f([1, 2, 3, 4], [2, 2])])[0], [2], [7, 10]);
      expectValues(run('MatMul', [f([1, 2, 3, 4], [2, 1, 2]), f([1, 1], [2, 1])])[0], [2, 1, 1], [3, 7]);
      expectValues(
        run('MatMul', [f([1, 0, 0, 1, 2, 0, 0, 2], [2, 2, 2]), f([1, 2, 3, 4], [1, 2, 2])])[0],
        [2, 2, 2],
        [1, 2, 3, 4, 2, 4, 6, 8],
      );
    });

    it('Softmax flattens before opset 13 and uses one axis from 13; LogSoftmax', () => {
      const x = f([0, Math.log(3), 0, 0], [1, 2, 2]);
      expectValues(
        run('Softmax', [x], { axis: attr.int(1) }, { opset: 11 })[0],
        [1, 2, 2],
        [1 / 6, 1 / 2, 1 / 6, 1 / 6],
      );
      expectValues(run('Softmax', [x], { axis: attr.int(1) }, { opset: 13 })[0], [1, 2, 2], [0.5, 0.75, 0.5, 0.25]);
      expectValues(
        run('LogSoftmax', [f([0, Math.log(3)], [2])], {}, { opset: 13 })[0],
        [2],
        [Math.log(0.25), Math.log(0.75)],
      );
    });

    it('BatchNormalization: inference, and training mode with running statistics', () => {
      const eps0 = { epsilon: attr.float(0) };
      const params = [f([2, 1], [2]), f([0, 1], [2]), f([1, 0], [2]), f([4, 1], [2])];
      expectValues(run('BatchNormalization', [f([1, 2], [1, 2, 1, 1]), ...params], eps0)[0], [1, 2, 1, 1], [0, 3]);
      const x = f([1, 2, 3, 6], [2, 2, 1, 1]); // channel 0: 1, 3; channel 1: 2, 6
      const out = run('BatchNormalization', [x, ...params], { ...eps0, training_mode: attr.int(1) }, { opset: 15 });
      expectValues(out[0], [2, 2, 1, 1], [-2, 0, 2, 2]);
      expectValues(out[1], [2], [1.1, 0.4]);
      expectValues(out[2], [2], [3.7, 1.3]);
      // Inside a training step the running statistics are written back to the inputs' variables.
      const assigned = new Map<number, number[]>();
      run('BatchNormalization', [x, ...params], eps0, { training: true, assigned });
      expect(assigned.get(3)!.map((v) => +v.toFixed(5))).toEqual([1.1, 0.4]);
      expect(assigned.get(4)!.map((v) => +v.toFixed(5))).toEqual([3.7, 1.3]);
    });

    it('Reshape (0 and -1), Flatten (axis), Transpose, Concat', () => {
      const x = f(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 3, 4],
      );
      expect(run('Reshape', [x, i32([0, -1])])[0]!.shape).toEqual([2, 12]);
      expect(run('Reshape', [x, i32([-1, 0, 2])])[0]!.shape).toEqual([4, 3, 2]);
      expect(() => run('Reshape', [x, i32([5, -1])])).toThrow(/cannot reshape/);
      expect(run('Flatten', [x], { axis: attr.int(2) })[0]!.shape).toEqual([6, 4]);
      expect(run('Flatten', [x], { axis: attr.int(-1) })[0]!.shape).toEqual([6, 4]);
      expect(run('Flatten', [x], { axis: attr.int(0) })[0]!.shape).toEqual([1, 24]);
      expectValues(run('Transpose', [f([1, 2, 3, 4, 5, 6], [2, 3])])[0], [3, 2], [1, 4, 2, 5, 3, 6]);
      expectValues(
        run('Concat', [f([1, 2], [2, 1]), f([3, 4, 5, 6], [2, 2])], { axis: attr.int(-1) })[0],
        [2, 3],
        [1, 3, 4, 2, 5, 6],
      );
    });

    it('Squeeze/Unsqueeze: axes from the attribute (opset 11) or the input (opset 13)', () => {
      const x = f([1, 2, 3, 4, 5, 6], [2, 1, 3]);
      expect(run('Squeeze', [x], { axes: attr.ints([1]) }, { opset: 11 })[0]!.shape).toEqual([2, 3]);
      expect(run('Squeeze', [x, i32([-2])], {}, { opset: 13 })[0]!.shape).toEqual([2, 3]);
      expect(run('Squeeze', [f([7], [1, 1, 1])])[0]!.shape).toEqual([]);
      const y = f([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(run('Unsqueeze', [y], { axes: attr.ints([0, 3]) }, { opset: 11 })[0]!.shape).toEqual([1, 2, 3, 1]);
      expect(run('Unsqueeze', [y, i32([-1, 1])], {}, { opset: 13 })[0]!.shape).toEqual([2, 1, 3, 1]);
    });

    it('Gather with negative indices along axis 1', () => {
      expectValues(
        run('Gather', [f([1, 2, 3, 4, 5, 6], [2, 3]), i32([-1, 0])], { axis: attr.int(1) })[0],
        [2, 2],
        [3, 1, 6, 4],
      );
      expectValues(
        run('Gather', [f([1, 2, 3, 4, 5, 6], [2, 3]), i32([1], [])], { axis: attr.int(0) })[0],
        [3],
        [4, 5, 6],
      );
    });

    it('Slice: INT64_MAX ends, negative starts and steps, attribute form', () => {
      const x = f(
        Array.from({ length: 10 }, (_, i) => i),
        [10],
      );
      expectValues(run('Slice', [x, i32([-3]), i32([2147483647])])[0], [3], [7, 8, 9]);
      expectValues(run('Slice', [x, i32([-1]), i32([-100]), i32([0]), i32([-2])])[0], [5], [9, 7, 5, 3, 1]);
      expectValues(run('Slice', [x, i32([2]), i32([9]), i32([0]), i32([3])])[0], [3], [2, 5, 8]);
      expectValues(run('Slice', [x, i32([5]), i32([2])])[0], [0], []);
      const m = f([1, 2, 3, 4, 5, 6], [2, 3]);
      expectValues(
        run('Slice', [m], { starts: attr.ints([1]), ends: attr.ints([1000]), axes: attr.ints([1]) }, { opset: 9 })[0],
        [2, 2],
        [2, 3, 5, 6],
      );
    });

    it('Pad: constant, reflect, edge; negative pads crop; attribute form', () => {
      const x = f([1, 2, 3], [3]);
      expectValues(run('Pad', [x, i32([2, 1])])[0], [6], [0, 0, 1, 2, 3, 0]);
      expectValues(run('Pad', [x, i32([2, 1]), f([9], [])])[0], [6], [9, 9, 1, 2, 3, 9]);
      expectValues(run('Pad', [x, i32([2, 1])], { mode: attr.string('reflect') })[0], [6], [3, 2, 1, 2, 3, 2]);
      expectValues(run('Pad', [x, i32([2, 1])], { mode: attr.string('edge') })[0], [6], [1, 1, 1, 2, 3, 3]);
      expectValues(run('Pad', [x, i32([-1, 1])])[0], [3], [2, 3, 0]);
      expectValues(
        run('Pad', [x], { pads: attr.ints([1, 0]), value: attr.float(5) }, { opset: 2 })[0],
        [4],
        [5, 1, 2, 3],
      );
    });

    it('Resize: linear half_pixel (opset 13), and Upsample indexing asymmetrically with floor', () => {
      const x = f([1, 3], [1, 1, 1, 2]);
      const out = run('Resize', [x, f([], [0]), f([1, 1, 1, 2], [4])], { mode: attr.string('linear') }, { opset: 13 });
      expectValues(out[0], [1, 1, 1, 4], [1, 1.5, 2.5, 3]);
      const up = run('Upsample', [f([1, 2, 3, 4], [1, 1, 1, 4]), f([1, 1, 1, 1.5], [4])], {}, { opset: 9 });
      expectValues(up[0], [1, 1, 1, 6], [1, 1, 2, 3, 3, 4]);
    });

    it('Dropout: identity at inference, scaled mask while training', () => {
      const x = f(Array(64).fill(1), [64]);
      expectValues(run('Dropout', [x])[0], [64], Array(64).fill(1));
      const [y, mask] = run('Dropout', [x, f([0.5], [])], {}, { training: true, outputs: 2 });
      y!.v.forEach((v, i) => expect(v).toBe(mask!.v[i] ? 2 : 0));
      const kept = mask!.v.filter((m) => m).length;
      expect(kept).toBeGreaterThan(16);
      expect(kept).toBeLessThan(48);
    });

    it('element-wise ops: broadcasting, integer Div truncates, activations, Constant', () => {
      expectValues(
        run('Add', [f([1, 2, 3, 4, 5, 6], [2, 3]), f([10, 20, 30], [3])])[0],
        [2, 3],
        [11, 22, 33, 14, 25, 36],
      );
      expectValues(run('Div', [i32([-7, 7]), i32([2, 2])])[0], [2], [-3, 3]);
      expectValues(run('LeakyRelu', [f([-1, 2], [2])], { alpha: attr.float(0.1) })[0], [2], [-0.1, 2]);
      expectValues(run('Relu', [f([-1, 2], [2])])[0], [2], [0, 2]);
      expectValues(run('Sigmoid', [f([0], [1])])[0], [1], [0.5]);
      expectValues(run('Tanh', [f([0], [1])])[0], [1], [0]);
      expectValues(run('Identity', [f([4], [1])])[0], [1], [4]);
      expectValues(run('Constant', [], { value: attr.tensor(float32Tensor([2], [1.5, -2])) })[0], [2], [1.5, -2]);
    });
  });
}

describe('op lookup', () => {
  it('names an unsupported op in a typed error', () => {
    let err: unknown;
    try {
      lookupOp('FancyAttention', '', 'block3/attn');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).code).toBe('train/unsupported-op');
    expect((err as UnsupportedError).message).toContain('FancyAttention');
    expect((err as UnsupportedError).node).toBe('block3/attn');
    expect(() => lookupOp('Conv', 'com.microsoft')).toThrow(/com\.microsoft\.Conv/);
  });
});
