// The reader's op table, checked by the runtimes: small hand-built graph models (GraphDef JSON +
// weights) run in tf.loadGraphModel, and, read into the IR, in onnxruntime; outputs must agree.
import { concatBytes } from '@enxuto/ir';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfjs } from '../src/index.js';
import { maxScaledDiff, ortSession, runOrt, seededInput } from './helpers/ort.js';
import { loadGraph, memoryHandler, runGraph, tf, tfReady } from '@enxuto/test-support/tfjs';

// The reference here is TF.js's cpu backend: the wasm backend (4.22) computes _FusedMatMul with
// transpose_b and a bias wrongly (max error 2.4 on random data), which would hide our own errors.
beforeAll(async () => {
  await tfReady();
  await tf.setBackend('cpu');
});

const s = (v: string) => ({ s: btoa(v) });
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const strs = (v: string[]) => ({ list: { s: v.map((x) => btoa(x)) } });
const F = { type: 'DT_FLOAT' };

class GraphBuilder {
  nodes: object[] = [];
  weights: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  data: Uint8Array[] = [];
  private seed = 3;
  constructor(shape: number[]) {
    this.nodes.push({
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: F, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } },
    });
  }
  f(name: string, shape: number[], scale = 0.5): string {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = seededInput(n, this.seed++, 2 * scale).map((x) => x - scale);
    return this.konst(name, shape, 'float32', new Uint8Array(v.buffer));
  }
  i(name: string, values: number[], shape = [values.length]): string {
    return this.konst(name, shape, 'int32', new Uint8Array(Int32Array.from(values).buffer));
  }
  private konst(name: string, shape: number[], dtype: 'float32' | 'int32', bytes: Uint8Array): string {
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32' } } });
    this.weights.push({ name, shape, dtype });
    this.data.push(bytes);
    return name;
  }
  op(name: string, op: string, input: string[], attr: object = {}): string {
    this.nodes.push({ name, op, input, attr: { T: F, ...attr } });
    return name;
  }
  json(): object {
    return {
      format: 'graph-model',
      modelTopology: { node: this.nodes, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['w.bin'], weights: this.weights }],
    };
  }
}

const CASES: [string, number[], (b: GraphBuilder) => void][] = [
  [
    '_FusedConv2D (BiasAdd, Relu6), MaxPool SAME, AvgPool VALID',
    [2, 9, 9, 3],
    (b) => {
      b.op('c', '_FusedConv2D', ['x', b.f('k', [3, 3, 3, 4]), b.f('bias', [4])], {
        strides: ints([1, 2, 2, 1]),
        padding: s('SAME'),
        fused_ops: strs(['BiasAdd', 'Relu6']),
        num_args: { i: '1' },
        dilations: ints([1, 1, 1, 1]),
      });
      b.op('m', 'MaxPool', ['c'], { ksize: ints([1, 3, 3, 1]), strides: ints([1, 1, 1, 1]), padding: s('SAME') });
      b.op('y', 'AvgPool', ['m'], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: s('VALID') });
    },
  ],
  [
    'DepthwiseConv2dNative, FusedDepthwiseConv2dNative, Conv2D EXPLICIT, BiasAdd, Elu',
    [1, 8, 8, 2],
    (b) => {
      b.op('d', 'DepthwiseConv2dNative', ['x', b.f('dk', [3, 3, 2, 2])], {
        strides: ints([1, 1, 1, 1]),
        padding: s('VALID'),
        dilations: ints([1, 1, 1, 1]),
      });
      b.op('fd', 'FusedDepthwiseConv2dNative', ['d', b.f('fdk', [3, 3, 4, 1]), b.f('fdb', [4])], {
        strides: ints([1, 1, 1, 1]),
        padding: s('SAME'),
        fused_ops: strs(['BiasAdd', 'Relu']),
        num_args: { i: '1' },
        dilations: ints([1, 1, 1, 1]),
      });
      b.op('c', 'Conv2D', ['fd', b.f('ck', [2, 2, 4, 3])], {
        strides: ints([1, 1, 1, 1]),
        padding: s('EXPLICIT'),
        explicit_paddings: ints([0, 0, 1, 0, 0, 2, 0, 0]),
        dilations: ints([1, 1, 1, 1]),
      });
      b.op('y', 'Elu', [b.op('ba', 'BiasAdd', ['c', b.f('cb', [3])])]);
    },
  ],
  [
    '_FusedMatMul transpose_b, Mean, ConcatV2, Sigmoid, Rsqrt, Square, LeakyRelu, Softmax',
    [3, 6],
    (b) => {
      b.op('mm', '_FusedMatMul', ['x', b.f('w', [5, 6])], {
        transpose_a: { b: false },
        transpose_b: { b: true },
        fused_ops: strs(['BiasAdd', 'Relu']),
        num_args: { i: '1' },
      });
      const mmNode = b.nodes.find((n) => (n as { name: string }).name === 'mm') as { input: string[] };
      mmNode.input.push(b.f('mb', [5]));
      b.op('sig', 'Sigmoid', ['mm']);
      b.op('rs', 'Rsqrt', [
        b.op('sq', 'AddV2', [b.op('sqr', 'Square', ['mm']), b.op('ex', 'Exp', [b.f('one', [1], 0.1)])]),
      ]);
      b.op('cat', 'ConcatV2', ['sig', 'rs', b.i('axis', [1], [])], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } });
      b.op('lr', 'LeakyRelu', [b.op('mean', 'Mean', ['cat', b.i('mean_axes', [1])], { keep_dims: { b: true } })], {
        alpha: { f: 0.2 },
      });
      b.op('y', 'Softmax', [b.op('sub', 'Sub', ['cat', 'lr'])]);
    },
  ],
  [
    'Pad, ExpandDims, Squeeze, StridedSlice masks, Transpose, Reshape, Maximum, RealDiv',
    [2, 4, 6],
    (b) => {
      const p = b.op('p', 'Pad', ['x', b.i('pads', [0, 0, 1, 2, 0, 1], [3, 2])]);
      const e = b.op('e', 'ExpandDims', [p, b.i('dim', [1], [])]);
      const mask = (begin: number, end: number, shrink: number) => ({
        begin_mask: { i: String(begin) },
        end_mask: { i: String(end) },
        shrink_axis_mask: { i: String(shrink) },
        ellipsis_mask: { i: '0' },
        new_axis_mask: { i: '0' },
        Index: { type: 'DT_INT32' },
      });
      const shrunk = b.op(
        'shrunk',
        'StridedSlice',
        [e, b.i('b1', [0, 0]), b.i('e1', [0, 1]), b.i('s1', [1, 1])],
        mask(1, 1, 2),
      );
      const sl = b.op(
        'sl',
        'StridedSlice',
        [shrunk, b.i('b2', [0, 1]), b.i('e2', [0, 6]), b.i('s2', [1, 2])],
        mask(1, 1, 0),
      );
      const t = b.op('t', 'Transpose', [sl, b.i('perm', [0, 2, 1])]);
      const r = b.op('r', 'Reshape', [t, b.i('shape', [2, -1])]);
      const sq = b.op('sq', 'Squeeze', [b.op('ed', 'ExpandDims', [r, b.i('d2', [-1], [])])], {
        squeeze_dims: ints([-1]),
      });
      b.op('y', 'RealDiv', [b.op('mx', 'Maximum', [sq, b.f('lo', [1], 0.1)]), b.f('den', [1], 0.1)]);
    },
  ],
  [
    'AddN, Slice, Tile',
    [2, 5],
    (b) => {
      const sl = b.op('sl', 'Slice', ['x', b.i('begin', [0, 1]), b.i('size', [-1, 3])], {
        Index: { type: 'DT_INT32' },
      });
      const t = b.op('t', 'Tile', [sl, b.i('multiples', [2, 1])], { Tmultiples: { type: 'DT_INT32' } });
      b.op('y', 'AddN', [t, t, b.f('c', [4, 3])], { N: { i: '3' } });
    },
  ],
];

describe('TF.js -> IR: each op runs in onnxruntime as in TF.js', () => {
  for (const [name, shape, build] of CASES) {
    it(name, async () => {
      const b = new GraphBuilder(shape);
      build(b);
      const json = b.json();
      const bytes = concatBytes(b.data);
      const x = seededInput(
        shape.reduce((p, d) => p * d, 1),
        42,
        2,
      ).map((v) => v - 1);
      const tfm = await loadGraph(memoryHandler(json, [bytes]));
      const want = runGraph(tfm, x, shape, ['y'])[0]!;
      const model = readTfjs(json, bytes);
      expect(model.graph.outputs.map((v) => v.name)).toEqual(['y']);
      const got = await runOrt(await ortSession(model), 'x', x, shape, 'y');
      expect(got.length).toBe(want.length);
      expect(maxScaledDiff(want, got)).toBeLessThan(1e-4);
    });
  }
});
