// The writer's op table, checked by the runtimes: small hand-built IR graphs run in onnxruntime and,
// after writeTfjs, in tf.loadGraphModel; outputs must agree within 1e-4.
import { attr, float32Tensor, UnsupportedError, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { writeTfjs } from '../src/index.js';
import { IrBuilder as Builder } from './helpers/ir-builder.js';
import { maxScaledDiff, ortSession, runOrt, seededInput } from './helpers/ort.js';
import { loadGraph, memoryHandler, runGraph } from '@enxuto/test-support/tfjs';

const CASES: [string, number[], (b: Builder, x: Value) => Value][] = [
  [
    'Conv SAME stride 2 + bias + Relu',
    [2, 3, 9, 9],
    (b, x) =>
      b.op('Relu', [
        b.op('Conv', [x, b.w([4, 3, 3, 3]), b.w([4])], {
          auto_pad: attr.string('SAME_UPPER'),
          strides: attr.ints([2, 2]),
        }),
      ]),
  ],
  [
    'Conv asymmetric pads, dilation 2',
    [1, 2, 8, 8],
    (b, x) => b.op('Conv', [x, b.w([3, 2, 3, 3])], { pads: attr.ints([1, 0, 2, 1]), dilations: attr.ints([2, 2]) }),
  ],
  [
    'depthwise Conv (group = C, multiplier 2) + PRelu',
    [1, 3, 7, 7],
    (b, x) =>
      b.op('PRelu', [
        b.op('Conv', [x, b.w([6, 1, 3, 3]), b.w([6])], { group: attr.int(3), pads: attr.ints([1, 1, 1, 1]) }),
        b.w([6, 1, 1]),
      ]),
  ],
  [
    'MaxPool pads 1 k3 s2, AveragePool count_include_pad',
    [1, 2, 9, 9],
    (b, x) =>
      b.op(
        'AveragePool',
        [
          b.op('MaxPool', [x], {
            kernel_shape: attr.ints([3, 3]),
            strides: attr.ints([2, 2]),
            pads: attr.ints([1, 1, 1, 1]),
          }),
        ],
        { kernel_shape: attr.ints([2, 2]), pads: attr.ints([1, 1, 0, 0]), count_include_pad: attr.int(1) },
      ),
  ],
  [
    'BatchNormalization, Sigmoid, GlobalAveragePool, Flatten, Gemm transB, Softmax',
    [2, 3, 5, 5],
    (b, x) => {
      const var_ = b.g.addInitializer('var', float32Tensor([3], [0.5, 1, 2]));
      const y = b.op('BatchNormalization', [x, b.w([3]), b.w([3]), b.w([3]), var_], { epsilon: attr.float(1e-3) });
      const f = b.op('Flatten', [b.op('GlobalAveragePool', [b.op('Sigmoid', [y])])], { axis: attr.int(1) });
      return b.op(
        'Softmax',
        [b.op('Gemm', [f, b.w([4, 3]), b.w([4])], { transB: attr.int(1), alpha: attr.float(2) })],
        { axis: attr.int(1) },
      );
    },
  ],
  [
    'Concat of two convs, Transpose, Reshape with a 0 dim',
    [1, 2, 6, 6],
    (b, x) => {
      const c1 = b.op('Conv', [x, b.w([2, 2, 1, 1])]);
      const c2 = b.op('Conv', [x, b.w([3, 2, 1, 1])]);
      const cat = b.op('Concat', [c1, c2], { axis: attr.int(1) });
      const t = b.op('Transpose', [cat], { perm: attr.ints([0, 2, 3, 1]) });
      return b.op('Reshape', [t, b.ints([0, -1, 5])]);
    },
  ],
  [
    'Pad, Slice, ReduceMean, Unsqueeze, Squeeze',
    [2, 3, 6, 6],
    (b, x) => {
      const p = b.op('Pad', [x, b.ints([0, 0, 1, 2, 0, 0, 2, 1]), b.scalar(0.5)]);
      const s = b.op('Slice', [p, b.ints([1, 0]), b.ints([9, 3]), b.ints([2, 1]), b.ints([2, 1])]);
      const m = b.op('ReduceMean', [s, b.ints([3])], { keepdims: attr.int(0) });
      return b.op('Squeeze', [b.op('Unsqueeze', [m, b.ints([1])]), b.ints([1])]);
    },
  ],
  [
    'element-wise: Sub, Div, Mul, Max, Min, Clip, LeakyRelu, Tanh, Exp, Sqrt, Abs, Neg, Elu, HardSigmoid',
    [2, 8],
    (b, x) => {
      let y = b.op('Sub', [x, b.w([8])]);
      y = b.op('Div', [y, b.op('Add', [b.op('Abs', [b.w([8])]), b.scalar(0.5)])]);
      y = b.op('Max', [b.op('Mul', [y, b.scalar(3)]), b.op('Neg', [b.op('Clip', [y, b.scalar(0), b.scalar(6)])])]);
      y = b.op('Min', [
        b.op('LeakyRelu', [y], { alpha: attr.float(0.1) }),
        b.op('Clip', [y, b.scalar(-1), b.scalar(1)]),
      ]);
      y = b.op('Add', [b.op('Tanh', [y]), b.op('Sqrt', [b.op('Exp', [b.op('Abs', [y])])])]);
      return b.op('Add', [b.op('Elu', [y]), b.op('HardSigmoid', [y])]);
    },
  ],
  ['Tile', [2, 3], (b, x) => b.op('Tile', [x, b.ints([2, 3])])],
  [
    'batched MatMul with a constant, broadcast Add, LogSoftmax',
    [2, 3, 4],
    (b, x) => b.op('LogSoftmax', [b.op('Add', [b.op('MatMul', [x, b.w([4, 5])]), b.w([5])])], { axis: attr.int(-1) }),
  ],
];

describe('IR -> TF.js: each op runs in TF.js as in onnxruntime', () => {
  for (const [name, shape, build] of CASES) {
    it(name, async () => {
      const b = new Builder(shape);
      const model = b.model(build(b, b.input()));
      const x = seededInput(
        shape.reduce((p, d) => p * d, 1),
        99,
        2,
      ).map((v) => v - 1);
      const want = await runOrt(await ortSession(model), 'x', x, shape);
      const { modelJson, shards } = writeTfjs(model);
      const tfm = await loadGraph(memoryHandler(modelJson, shards));
      const got = runGraph(tfm, x, shape)[0]!;
      expect(got.length).toBe(want.length);
      expect(maxScaledDiff(want, got)).toBeLessThan(1e-4);
    });
  }

  it('an op with no TF.js mapping is an UnsupportedError naming op and node', () => {
    const b = new Builder([1, 4]);
    const x = b.input();
    const model = b.model(b.op('GridSample', [x, x]));
    let err: unknown;
    try {
      writeTfjs(model);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).node).toMatch(/^n\d+$/);
    expect((err as UnsupportedError).message).toContain('GridSample');
  });
});
