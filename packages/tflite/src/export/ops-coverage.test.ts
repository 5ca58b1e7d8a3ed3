// The ONNX ops real models need beyond the conv/dense core (issue 12), each exported in float32 and
// float16 and run in the real TFLite interpreter against onnxruntime. Most follow a Conv, so the
// op runs on an NHWC-held tensor and its axes go through the layout mapping.
import { attr, tensorFromValues, UnsupportedError, type Attr, type Graph, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { exportAndRun, maxAbsDiff, noise, onnxModel, ops, weight } from '../../test/export-harness.js';
import { exportToTflite } from './export-tflite.js';

type Build = (g: Graph, x: Value) => Value;

const i64 = (g: Graph, name: string, values: number[], shape = [values.length]): Value =>
  g.addInitializer(g.uniqueName(name), tensorFromValues('int64', shape, values.map(BigInt)));
const f32 = (g: Graph, name: string, values: number[], shape = [values.length]): Value =>
  g.addInitializer(g.uniqueName(name), tensorFromValues('float32', shape, values));
const op = (g: Graph, opType: string, inputs: (Value | null)[], attributes: Record<string, Attr> = {}): Value =>
  g.addNode({ opType, inputs, outputs: [g.uniqueName(opType.toLowerCase())], attributes }).output();
/** A 1x1 Conv first, so the tensor is held NHWC in TFLite. */
const conv = (g: Graph, x: Value, c = 4): Value =>
  op(
    g,
    'Conv',
    [
      x,
      weight(g, 'w', [c, 4, 1, 1]),
      f32(
        g,
        'b',
        Array.from({ length: c }, (_, i) => i / 4),
      ),
    ],
    {
      kernel_shape: attr.ints([1, 1]),
    },
  );

const NCHW = [1, 4, 5, 6];
const CASES: [string, number[], Build, number[]][] = [
  ['Exp', NCHW, (g, x) => op(g, 'Exp', [conv(g, x)]), NCHW],
  [
    'Log of |x| + 1',
    NCHW,
    (g, x) => op(g, 'Log', [op(g, 'Add', [op(g, 'Abs', [conv(g, x)]), f32(g, 'one', [1])])]),
    NCHW,
  ],
  [
    'Sqrt, Reciprocal',
    NCHW,
    (g, x) => op(g, 'Reciprocal', [op(g, 'Sqrt', [op(g, 'Add', [op(g, 'Abs', [x]), f32(g, 'one', [1])])])]),
    NCHW,
  ],
  ['Pow', NCHW, (g, x) => op(g, 'Pow', [op(g, 'Abs', [conv(g, x)]), f32(g, 'e', [1.5])]), NCHW],
  [
    'Neg, Floor, Ceil, Round, Sin, Cos',
    NCHW,
    (g, x) => {
      const c = op(g, 'Mul', [conv(g, x), f32(g, 'k', [3])]);
      return op(
        g,
        'Sum',
        ['Neg', 'Floor', 'Ceil', 'Round', 'Sin', 'Cos'].map((t) => op(g, t, [c])),
      );
    },
    NCHW,
  ],
  [
    'HardSwish, HardSigmoid (squeeze-excite)',
    NCHW,
    (g, x) => {
      const c = op(g, 'HardSwish', [conv(g, x)]);
      const s = op(g, 'HardSigmoid', [op(g, 'GlobalAveragePool', [c])], {
        alpha: attr.float(1 / 6),
        beta: attr.float(0.5),
      });
      return op(g, 'Mul', [c, s]);
    },
    NCHW,
  ],
  [
    'Elu, Min, Max',
    NCHW,
    (g, x) => op(g, 'Max', [op(g, 'Elu', [conv(g, x)]), op(g, 'Min', [x, f32(g, 'c', [0.1])]), f32(g, 'lo', [-0.2])]),
    NCHW,
  ],
  [
    'Equal/Less/Greater -> And/Or/Not -> Where',
    NCHW,
    (g, x) => {
      const c = conv(g, x);
      const m1 = op(g, 'Greater', [c, f32(g, 'z', [0])]);
      const m2 = op(g, 'Not', [op(g, 'Less', [x, f32(g, 'h', [0.5])])]);
      return op(g, 'Where', [op(g, 'Or', [op(g, 'And', [m1, m2]), op(g, 'Equal', [x, x])]), c, f32(g, 'fill', [-7])]);
    },
    NCHW,
  ],
  [
    'Mod (fmod 0) on int32 -> FLOOR_MOD',
    NCHW,
    (g, x) => {
      const i = op(g, 'Cast', [op(g, 'Mul', [conv(g, x), f32(g, 'k', [9])])], { to: attr.int(6) });
      const m = op(g, 'Mod', [i, g.addInitializer('d', tensorFromValues('int32', [], [4]))]);
      return op(g, 'Cast', [m], { to: attr.int(1) });
    },
    NCHW,
  ],
  [
    'Cast to int32 and back',
    NCHW,
    (g, x) =>
      op(g, 'Cast', [op(g, 'Cast', [op(g, 'Mul', [conv(g, x), f32(g, 'k', [4])])], { to: attr.int(6) })], {
        to: attr.int(1),
      }),
    NCHW,
  ],
  [
    'ReduceMean over H, W (keepdims)',
    NCHW,
    (g, x) => op(g, 'ReduceMean', [conv(g, x), i64(g, 'axes', [2, 3])]),
    [1, 4, 1, 1],
  ],
  [
    'ReduceSum over C',
    NCHW,
    (g, x) => op(g, 'ReduceSum', [conv(g, x), i64(g, 'axes', [1])], { keepdims: attr.int(0) }),
    [1, 5, 6],
  ],
  [
    'ReduceMax, ReduceMin, ReduceProd',
    NCHW,
    (g, x) => {
      const c = conv(g, x);
      const a = op(g, 'ReduceMax', [c, i64(g, 'a', [3])], { keepdims: attr.int(0) });
      const b = op(g, 'ReduceMin', [c, i64(g, 'a', [3])], { keepdims: attr.int(0) });
      const p = op(g, 'ReduceProd', [op(g, 'Add', [c, f32(g, 'one', [1])]), i64(g, 'a', [3])], {
        keepdims: attr.int(0),
      });
      return op(g, 'Sum', [a, b, p]);
    },
    [1, 4, 5],
  ],
  [
    'ReduceL2, ReduceSumSquare',
    NCHW,
    (g, x) => {
      const c = conv(g, x);
      return op(g, 'Add', [op(g, 'ReduceL2', [c, i64(g, 'a', [1])]), op(g, 'ReduceSumSquare', [c, i64(g, 'a', [1])])]);
    },
    [1, 1, 5, 6],
  ],
  [
    'Softmax over channels (axis 1 of NCHW)',
    NCHW,
    (g, x) => op(g, 'Softmax', [conv(g, x)], { axis: attr.int(1) }),
    NCHW,
  ],
  ['LogSoftmax over H', NCHW, (g, x) => op(g, 'LogSoftmax', [conv(g, x)], { axis: attr.int(2) }), NCHW],
  [
    'ArgMax keepdims, CumSum',
    NCHW,
    (g, x) => {
      const c = conv(g, x);
      const am = op(g, 'Cast', [op(g, 'ArgMax', [c], { axis: attr.int(1) })], { to: attr.int(1) });
      return op(g, 'Add', [op(g, 'CumSum', [c, i64(g, 'axis', [3], [])]), am]);
    },
    NCHW,
  ],
  [
    'LayerNormalization over the last axis',
    [1, 6, 8],
    (g, x) =>
      op(g, 'LayerNormalization', [x, f32(g, 's', Array.from(noise(8, 2))), f32(g, 'b', Array.from(noise(8, 3)))], {
        epsilon: attr.float(1e-5),
      }),
    [1, 6, 8],
  ],
  [
    'LayerNormalization over the last two axes, no bias',
    [2, 3, 4],
    (g, x) => op(g, 'LayerNormalization', [x, f32(g, 's', Array.from(noise(12, 2)), [3, 4])], { axis: attr.int(1) }),
    [2, 3, 4],
  ],
  [
    'BatchNormalization (not folded: after an Add)',
    NCHW,
    (g, x) => {
      const p = (seed: number, shift = 0) =>
        f32(
          g,
          'p',
          Array.from(noise(4, seed), (v) => v + shift),
        );
      return op(g, 'BatchNormalization', [op(g, 'Add', [x, x]), p(1), p(2), p(3), p(4, 2)]);
    },
    NCHW,
  ],
  [
    'GELU from Erf (x * 0.5 * (1 + erf(x / sqrt 2)))',
    [1, 8, 16],
    (g, x) => {
      const erf = op(g, 'Erf', [op(g, 'Div', [x, f32(g, 'sqrt2', [Math.SQRT2])])]);
      return op(g, 'Mul', [op(g, 'Mul', [x, op(g, 'Add', [erf, f32(g, 'one', [1])])]), f32(g, 'half', [0.5])]);
    },
    [1, 8, 16],
  ],
  [
    'Resize linear half_pixel x2 (sizes)',
    NCHW,
    (g, x) =>
      op(g, 'Resize', [conv(g, x), null, null, i64(g, 'sizes', [1, 4, 10, 12])], { mode: attr.string('linear') }),
    [1, 4, 10, 12],
  ],
  [
    'Resize linear align_corners (scales)',
    NCHW,
    (g, x) =>
      op(g, 'Resize', [conv(g, x), null, f32(g, 'sc', [1, 1, 2, 3])], {
        mode: attr.string('linear'),
        coordinate_transformation_mode: attr.string('align_corners'),
      }),
    [1, 4, 10, 18],
  ],
  [
    'Resize nearest asymmetric floor x2 (PyTorch)',
    NCHW,
    (g, x) =>
      op(g, 'Resize', [conv(g, x), null, f32(g, 'sc', [1, 1, 2, 2])], {
        mode: attr.string('nearest'),
        coordinate_transformation_mode: attr.string('asymmetric'),
        nearest_mode: attr.string('floor'),
      }),
    [1, 4, 10, 12],
  ],
  [
    'Split equal and unequal on channels',
    NCHW,
    (g, x) => {
      const c = conv(g, x);
      const [a, b] = g.addNode({
        opType: 'Split',
        inputs: [c],
        outputs: ['s0', 's1'],
        attributes: { axis: attr.int(1), num_outputs: attr.int(2) },
      }).outputs as Value[];
      const [p, q] = g.addNode({
        opType: 'Split',
        inputs: [c, i64(g, 'sp', [1, 3])],
        outputs: ['u0', 'u1'],
        attributes: { axis: attr.int(1) },
      }).outputs as Value[];
      const both = op(g, 'Concat', [op(g, 'Mul', [a!, b!]), op(g, 'Add', [p!, p!]), q!], { axis: attr.int(1) });
      return both;
    },
    [1, 6, 5, 6],
  ],
  [
    'Gather rows of a dynamic tensor, Expand, Tile',
    [3, 4],
    (g, x) => {
      const rows = op(g, 'Gather', [x, i64(g, 'idx', [2, 0, 2, 1])], { axis: attr.int(0) });
      const tiled = op(g, 'Tile', [op(g, 'Exp', [x]), i64(g, 'rep', [2, 1])]);
      const expanded = op(g, 'Expand', [op(g, 'ReduceMean', [x, i64(g, 'a', [0])]), i64(g, 'shape', [4, 4])]);
      return op(g, 'Add', [
        op(g, 'Add', [rows, op(g, 'Slice', [tiled, i64(g, 's', [1]), i64(g, 'e', [5]), i64(g, 'a', [0])])]),
        expanded,
      ]);
    },
    [4, 4],
  ],
  [
    'MatMul of two dynamic operands (attention scores) -> BATCH_MATMUL',
    [2, 5, 8],
    (g, x) => op(g, 'MatMul', [x, op(g, 'Transpose', [op(g, 'Exp', [x])], { perm: attr.ints([0, 2, 1]) })]),
    [2, 5, 5],
  ],
];

/** An opset-18 model (Reduce* take axes as an input, HardSwish exists). */
function model18(inputShape: number[], build: Build, outputShape: number[]) {
  const m = onnxModel(inputShape, build, outputShape);
  m.opsetImports.set('', 18);
  return m;
}

describe('exportToTflite: op coverage against the interpreter', () => {
  it.each(CASES)('%s', async (_name, inputShape, build, outputShape) => {
    const model = model18(inputShape, build, outputShape);
    const x = noise(
      inputShape.reduce((a, b) => a * b, 1),
      5,
    );
    for (const mode of ['float32', 'float16'] as const) {
      const { onnx, tfl } = await exportAndRun(model, x, { mode });
      const scale = Math.max(1, ...Array.from(onnx, Math.abs));
      expect(maxAbsDiff(tfl, onnx) / scale, mode).toBeLessThan(mode === 'float32' ? 1e-4 : 1e-2);
    }
  });

  it('GELU is one op, HardSigmoid three (MUL, ADD with RELU6, MUL)', () => {
    const gelu = exportToTflite(model18([1, 8, 16], CASES.find((c) => c[0].startsWith('GELU'))![2], [1, 8, 16]));
    expect(ops(gelu)).toEqual(['GELU']);
    const hs = exportToTflite(model18([2, 3], (g, x) => op(g, 'HardSigmoid', [x]), [2, 3]));
    expect(ops(hs)).toEqual(['MUL', 'ADD', 'MUL']);
    expect([...hs.graph][1]!.getString('fused_activation_function')).toBe('RELU6');
  });

  it.each<[string, Build, RegExp]>([
    [
      'Resize cubic',
      (g, x) => op(g, 'Resize', [x, null, f32(g, 'sc', [1, 1, 2, 2])], { mode: attr.string('cubic') }),
      /mode 'cubic' has no TFLite op/,
    ],
    [
      'Resize half_pixel nearest (round_prefer_floor) downscale',
      (g, x) => op(g, 'Resize', [x, null, null, i64(g, 's', [1, 4, 2, 3])], { mode: attr.string('nearest') }),
      /no TFLite RESIZE_\* flags reproduce/,
    ],
    ['Erf not in a GELU', (g, x) => op(g, 'Erf', [x]), /Erf has no TFLite op/],
    ['Softmax (opset 11) on a middle axis', (g, x) => op(g, 'Softmax', [x], { axis: attr.int(1) }), /coerces to 2-D/],
    ['Elu alpha 0.5', (g, x) => op(g, 'Elu', [x], { alpha: attr.float(0.5) }), /Elu with alpha/],
  ])('%s is an UnsupportedError naming the node', (_name, build, message) => {
    const model = model18(NCHW, build, NCHW);
    if (_name.includes('opset 11')) model.opsetImports.set('', 11);
    let error: unknown;
    try {
      exportToTflite(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).message).toMatch(message);
    expect((error as UnsupportedError).node).toBeDefined();
  });
});
