// The writer's ops that real models need (layout ops beyond 2-D, resizes, normalizations, indexing,
// integer arithmetic, quantized weights, control flow): small IR graphs run in onnxruntime and,
// written as TF.js, in tf.loadGraphModel (executeAsync); every output must agree within 1e-4.
import { attr, type Attr, Graph, Model, tensorFromValues, tensorType, UnsupportedError, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { loadGraph, memoryHandler, tf } from '@enxuto/test-support/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeTfjs } from '../src/index.js';
import { IrBuilder } from './helpers/ir-builder.js';
import { maxRelativeToRange, seededInput } from './helpers/ort.js';

type Build = (b: IrBuilder, x: Value) => Value | Value[];
const i = (v: number) => attr.int(v);
const s = (v: string) => attr.string(v);
const is = (v: number[]) => attr.ints(v);

const CASES: [string, number[], Build][] = [
  [
    'Resize: bilinear half_pixel by sizes, nearest asymmetric floor by scales, bilinear align_corners',
    [1, 2, 5, 6],
    (b, x) => [
      b.op('Resize', [x, null, null, b.ints([1, 2, 9, 4])], { mode: s('linear') }),
      b.op('Resize', [x, null, b.konst(tensorFromValues('float32', [4], [1, 1, 2, 3]))], {
        mode: s('nearest'),
        coordinate_transformation_mode: s('asymmetric'),
        nearest_mode: s('floor'),
      }),
      b.op('Resize', [x, null, null, b.ints([1, 2, 7, 11])], {
        mode: s('linear'),
        coordinate_transformation_mode: s('align_corners'),
      }),
    ],
  ],
  [
    'ConvTranspose stride 2 with pads and output_padding; 1-D Conv; grouped Conv; 1-D MaxPool',
    [1, 4, 6, 6],
    (b, x) => {
      const ct = b.op('ConvTranspose', [x, b.w([4, 3, 3, 3]), b.w([3])], {
        strides: is([2, 2]),
        pads: is([1, 0, 1, 1]),
        output_padding: is([1, 0]),
      });
      const grouped = b.op('Conv', [x, b.w([6, 2, 3, 3]), b.w([6])], { group: i(2), pads: is([1, 1, 1, 1]) });
      const seq = b.op('Reshape', [x, b.ints([1, 4, 36])]);
      const c1 = b.op('Conv', [seq, b.w([5, 4, 3])], { strides: is([2]), pads: is([1, 1]), dilations: is([2]) });
      return [ct, grouped, b.op('MaxPool', [c1], { kernel_shape: is([3]), strides: is([2]) })];
    },
  ],
  [
    'Conv3D and AveragePool 3-D, BatchNormalization with computed statistics, LRN, DepthToSpace CRD',
    [1, 4, 4, 6, 6],
    (b, x) => {
      const c3 = b.op('Conv', [x, b.w([3, 4, 3, 3, 3]), b.w([3])], { pads: is([1, 1, 1, 1, 1, 1]) });
      const pooled = b.op('AveragePool', [c3], { kernel_shape: is([2, 2, 2]), strides: is([2, 2, 2]) });
      const flat = b.op('Reshape', [x, b.ints([1, 16, 6, 6])]);
      const mean = b.op('Abs', [b.w([16])]);
      const bn = b.op('BatchNormalization', [
        flat,
        b.w([16]),
        b.w([16]),
        b.w([16]),
        b.op('Add', [mean, b.scalar(0.5)]),
      ]);
      const lrn = b.op('LRN', [bn], {
        size: i(5),
        alpha: attr.float(0.01),
        beta: attr.float(0.75),
        bias: attr.float(2),
      });
      return [pooled, b.op('DepthToSpace', [lrn], { blocksize: i(2), mode: s('CRD') })];
    },
  ],
  [
    'LayerNormalization, Softmax on a middle axis, InstanceNormalization, HardSwish, Gelu (erf and tanh)',
    [2, 3, 4, 5],
    (b, x) => [
      b.op('LayerNormalization', [x, b.w([4, 5]), b.w([4, 5])], { axis: i(2), epsilon: attr.float(1e-5) }),
      b.op('Softmax', [x], { axis: i(1) }),
      b.op('InstanceNormalization', [x, b.w([3]), b.w([3])]),
      b.op('HardSwish', [b.op('Mul', [x, b.scalar(4)])]),
      b.op('Gelu', [x]),
      b.op('Gelu', [x], { approximate: s('tanh') }),
    ],
  ],
  [
    'Where of a comparison, Expand (to a zero-size shape too), Range, ConstantOfShape, Size, Split uneven',
    [3, 4],
    (b, x) => {
      const w = b.op('Where', [b.op('Greater', [x, b.scalar(0)]), x, b.op('Neg', [x])]);
      const e = b.op('Expand', [b.op('Reshape', [x, b.ints([3, 1, 4])]), b.ints([2, 3, 5, 1])]);
      const empty = b.op('Expand', [b.scalar(1), b.ints([0, 3])]);
      const n = b.op('Cast', [b.op('Size', [x])], { to: i(1) });
      const r = b.op('Range', [b.scalar(0), n, b.scalar(1.5)]);
      const filled = b.op('ConstantOfShape', [b.ints([2, 2])], {
        value: attr.tensor(tensorFromValues('float32', [1], [3])),
      });
      const parts = b.ops('Split', [x], 2, { axis: i(0), num_outputs: i(2) });
      return [w, e, empty, r, filled, ...parts];
    },
  ],
  [
    'Slice with computed ends and negative axes, GatherND, ScatterND add, TopK smallest on axis 0, ArgMax',
    [4, 5],
    (b, x) => {
      const dims = b.op('Shape', [x]);
      const end = b.op('Sub', [b.op('Slice', [dims, b.ints([1]), b.ints([2])]), b.ints([1])]);
      const sl = b.op('Slice', [x, b.ints([1]), end, b.ints([-1]), b.ints([1])]);
      const gnd = b.op('GatherND', [x, b.konst(tensorFromValues('int64', [3, 2], [0, 1, 3, 4, 2, 0]))]);
      const sc = b.op('ScatterND', [x, b.konst(tensorFromValues('int64', [2, 1], [1, 1])), b.w([2, 5])], {
        reduction: s('add'),
      });
      const [vals, idx] = b.ops('TopK', [x, b.ints([2])], 2, { axis: i(0), largest: i(0) });
      const am = b.op('ArgMax', [x], { axis: i(1), keepdims: i(1) });
      return [sl, gnd, sc, vals!, b.op('Cast', [idx!], { to: i(1) }), b.op('Cast', [am], { to: i(1) })];
    },
  ],
  [
    'integer Div truncates and Mod takes the dividend (fmod=1) or divisor (fmod=0) sign',
    [2, 3],
    (b, x) => {
      const q = b.op('Cast', [b.op('Mul', [x, b.scalar(17)])], { to: i(6) });
      const d = b.konst(tensorFromValues('int32', [3], [4, -3, 5]));
      const f = (v: Value) => b.op('Cast', [v], { to: i(1) });
      return [f(b.op('Div', [q, d])), f(b.op('Mod', [q, d], { fmod: i(1) })), f(b.op('Mod', [q, d]))];
    },
  ],
  [
    'int8 weights behind DequantizeLinear into Conv, Q/DQ on activations, float16 weights behind Cast',
    [1, 3, 6, 6],
    (b, x) => {
      const q = tensorFromValues(
        'int8',
        [4, 3, 3, 3],
        Array.from({ length: 108 }, (_, k) => ((k * 37) % 255) - 127),
      );
      const w = b.op('DequantizeLinear', [b.konst(q), b.scalar(0.01), b.konst(tensorFromValues('int8', [], [3]))]);
      const conv = b.op('Conv', [x, w], { pads: is([1, 1, 1, 1]) });
      const zp = b.konst(tensorFromValues('uint8', [], [128]));
      const fq = b.op('DequantizeLinear', [b.op('QuantizeLinear', [conv, b.scalar(0.05), zp]), b.scalar(0.05), zp]);
      const h = tensorFromValues('float16', [2, 3, 1, 1], [0.5, -1.25, 2, 0.125, 3, -0.75]);
      return [fq, b.op('Conv', [x, b.op('Cast', [b.konst(h)], { to: i(1) })])];
    },
  ],
];

async function compare(model: Model, shape: number[]): Promise<void> {
  const x = seededInput(
    shape.reduce((p, d) => p * d, 1),
    5,
    2,
  ).map((v) => v - 1);
  const session = await ort.InferenceSession.create(writeOnnxBytes(model));
  const want = await session.run({ x: new ort.Tensor('float32', x, shape) });
  const { modelJson, shards } = writeTfjs(model);
  const tfm = await loadGraph(memoryHandler(modelJson, shards));
  const names = model.graph.outputs.map((v) => v.name);
  const r = await tfm.executeAsync({ x: tf.tensor(x, shape) }, names);
  const got = Array.isArray(r) ? r : [r];
  names.forEach((n, k) => {
    expect(got[k]!.shape, n).toEqual(want[n]!.dims);
    expect(maxRelativeToRange(want[n]!.data as Float32Array, got[k]!.dataSync(), 0), n).toBeLessThan(1e-4);
  });
  tf.dispose(got);
}

describe('IR -> TF.js: the ops real models need', () => {
  for (const [name, shape, build] of CASES) {
    it(name, async () => {
      const b = new IrBuilder(shape);
      const out = build(b, b.input());
      await compare(b.models(Array.isArray(out) ? out : [out]), shape);
    });
  }

  it('stores int8 and float16 weights compactly in the manifest', () => {
    const b = new IrBuilder([1, 3, 4, 4]);
    const x = b.input();
    const q = tensorFromValues('int8', [2, 3, 1, 1], [-128, -1, 0, 1, 64, 127]);
    const w = b.op('DequantizeLinear', [b.konst(q), b.scalar(0.5), b.konst(tensorFromValues('int8', [], [-2]))]);
    const h = b.op('Cast', [b.konst(tensorFromValues('float16', [2, 3, 1, 1], [1, 2, 3, 4, 5, 6]))], { to: i(1) });
    const { modelJson } = writeTfjs(b.models([b.op('Conv', [x, w]), b.op('Conv', [x, h])]));
    const quant = modelJson.weightsManifest[0]!.weights.map((e) => e.quantization).filter((qz) => qz);
    expect(quant).toEqual([{ dtype: 'uint8', scale: 0.5, min: -(128 - 2) * 0.5 }, { dtype: 'float16' }]);
  });
});

/** If on a comparison of the input, and a Loop with a carried sum and a scan output. */
function controlFlowModel(): Model {
  const g = new Graph('main');
  const x = g.addInput('x', tensorType('float32', [3]));
  const k = (n: string, t: ReturnType<typeof tensorFromValues>) => g.addInitializer(n, t);
  const sum = g.addNode({ opType: 'ReduceSum', name: 'sum', inputs: [x, null], outputs: ['s'] }).output();
  const cond = g
    .addNode({
      opType: 'Greater',
      name: 'pos',
      inputs: [sum, k('zero', tensorFromValues('float32', [], [0]))],
      outputs: ['c'],
    })
    .output();
  const ifNode = g.addNode({ opType: 'If', name: 'branch', inputs: [cond], outputs: ['picked'] });
  const branch = (name: string, op: string) => {
    const b = new Graph(name, { parent: ifNode });
    b.setOutputs([b.addNode({ opType: op, name: `${name}_op`, inputs: [x], outputs: [`${name}_y`] }).output()]);
    return b;
  };
  ifNode.setAttr('then_branch', attr.graph(branch('then', 'Exp')));
  ifNode.setAttr('else_branch', attr.graph(branch('else', 'Neg')));
  const loop = g.addNode({
    opType: 'Loop',
    name: 'loop',
    inputs: [
      k('trips', tensorFromValues('int64', [], [4])),
      null,
      k('acc0', tensorFromValues('float32', [3], [0, 0, 0])),
    ],
    outputs: ['acc', 'steps'],
  });
  const body = new Graph('body', { parent: loop });
  const it = body.addInput('it', tensorType('int64', []));
  const cin = body.addInput('cin', tensorType('bool', []));
  const acc = body.addInput('acc_in', tensorType('float32', [3]));
  const add = (op: string, inputs: Value[], out: string, attributes: Record<string, Attr> = {}) =>
    body.addNode({ opType: op, name: out, inputs, outputs: [out], attributes }).output();
  const step = add('Mul', [x, add('Cast', [it], 'itf', { to: i(1) })], 'step');
  body.setOutputs([add('Identity', [cin], 'cout'), add('Add', [acc, step], 'acc_out'), add('Sin', [step], 'scan')]);
  loop.setAttr('body', attr.graph(body));
  g.setOutputs([ifNode.output(), loop.output(0), loop.output(1)]);
  return new Model(g);
}

describe('IR -> TF.js: control flow', () => {
  it('If becomes StatelessIf and Loop StatelessWhile, with scan outputs stacked', async () => {
    const model = controlFlowModel();
    const { modelJson, shards } = writeTfjs(model);
    expect(modelJson.modelTopology.node.map((n) => n.op)).toEqual(
      expect.arrayContaining(['StatelessIf', 'StatelessWhile']),
    );
    const tfm = await loadGraph(memoryHandler(modelJson, shards));
    const session = await ort.InferenceSession.create(writeOnnxBytes(model));
    // One input takes the then branch, the other the else branch.
    for (const x of [Float32Array.of(0.5, -0.25, 1), Float32Array.of(-1, 0.25, -0.5)]) {
      const want = await session.run({ x: new ort.Tensor('float32', x, [3]) });
      const r = (await tfm.executeAsync({ x: tf.tensor(x) }, ['picked', 'acc', 'steps'])) as tf.Tensor[];
      ['picked', 'acc', 'steps'].forEach((n, k) => {
        expect(r[k]!.shape, n).toEqual(want[n]!.dims);
        expect(maxRelativeToRange(want[n]!.data as Float32Array, r[k]!.dataSync(), 0), n).toBeLessThan(1e-5);
      });
      tf.dispose(r);
    }
  });
});

describe('IR -> TF.js: typed refusals name the node and the reason', () => {
  const refusal = (build: (b: IrBuilder, x: Value) => Value, shape: number[]): UnsupportedError => {
    const b = new IrBuilder(shape);
    try {
      writeTfjs(b.model(build(b, b.input())));
    } catch (e) {
      return e as UnsupportedError;
    }
    throw new Error('no refusal');
  };
  it.each([
    [
      'cubic Resize',
      [1, 1, 4, 4],
      (b: IrBuilder, x: Value) => b.op('Resize', [x, null, null, b.ints([1, 1, 8, 8])], { mode: s('cubic') }),
      /mode cubic/,
    ],
    [
      'edge Pad',
      [2, 3],
      (b: IrBuilder, x: Value) => b.op('Pad', [x, b.ints([1, 1, 1, 1])], { mode: s('edge') }),
      /mode edge/,
    ],
    [
      'grouped ConvTranspose',
      [1, 4, 3, 3],
      (b: IrBuilder, x: Value) => b.op('ConvTranspose', [x, b.w([4, 1, 2, 2])], { group: i(2) }),
      /grouped/,
    ],
    [
      '4-D convolution',
      [1, 1, 3, 3, 3, 3],
      (b: IrBuilder, x: Value) => b.op('Conv', [x, b.w([1, 1, 2, 2, 2, 2])]),
      /4-D convolutions/,
    ],
    ['even LRN window', [1, 4, 2, 2], (b: IrBuilder, x: Value) => b.op('LRN', [x], { size: i(2) }), /even window/],
  ] as const)('%s', (_name, shape, build, message) => {
    const e = refusal(build, [...shape]);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.code).toBe('tfjs/unsupported-op');
    expect(e.node).toMatch(/^n\d+$/);
    expect(e.message).toMatch(message);
  });
});
