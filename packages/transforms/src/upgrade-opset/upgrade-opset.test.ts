import {
  attr,
  checkModel,
  float32Tensor,
  Graph,
  type Int,
  Model,
  tensorType,
  type Attr,
  type Value,
  UnsupportedError,
} from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './adapters.js';
import { changedAt } from './op-changes.js';
import { upgradeOpset } from './upgrade-opset.js';

const wave = (n: number, k = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * 4);

/** One old-opset node on input x (shape `shape`), every output a graph output. */
function oneNode(
  opset: number,
  shape: number[],
  opType: string,
  attributes: Record<string, Attr> = {},
  outputs = 1,
  extra: (g: Graph) => (Value | null)[] = () => [],
): Model {
  const g = new Graph('old');
  const x = g.addInput('x', tensorType('float32', shape));
  const n = g.addNode({
    opType,
    name: opType.toLowerCase(),
    inputs: [x, ...extra(g)],
    outputs: Array.from({ length: outputs }, (_, i) => `y${i}`),
    attributes,
  });
  g.setOutputs(n.outputs.filter((v): v is Value => v !== null));
  const m = new Model(g);
  m.opsetImports.set('', opset);
  m.irVersion = 3;
  return m;
}

async function run(m: Model, x: Float32Array, shape: number[]): Promise<{ dims: readonly number[]; data: number[] }[]> {
  const s = await ort.InferenceSession.create(writeOnnxBytes(m));
  try {
    const out = await s.run({ x: new ort.Tensor('float32', x, shape) });
    return s.outputNames.map((k) => ({ dims: out[k]!.dims, data: Array.from(out[k]!.data as ArrayLike<number>) }));
  } finally {
    await s.release();
  }
}

/** Upgrades a copy of `make()` to `target` and checks onnxruntime gives identical outputs. */
async function sameInOrt(make: () => Model, shape: number[], target = 13): Promise<Model> {
  const x = wave(shape.reduce((a, b) => a * b, 1));
  const before = await run(make(), x, shape);
  const m = make();
  upgradeOpset(m, target);
  checkModel(m);
  expect(m.opset('')).toBe(target);
  expect(await run(m, x, shape)).toEqual(before);
  return m;
}

const ops = (m: Model) => [...m.graph].map((n) => n.opType);
const ints = (v: Int[]) => attr.ints(v);

describe('upgradeOpset', () => {
  it('lists every adapter at a version where its operator changed', () => {
    for (const key of ADAPTERS.keys()) {
      const [op, v] = key.split('@');
      expect(changedAt(op!, Number(v)), key).toBe(true);
    }
  });

  it('turns Clip min/max attributes into inputs (opset 6 -> 13, identical in onnxruntime)', async () => {
    const m = await sameInOrt(() => oneNode(6, [2, 5], 'Clip', { min: attr.float(-1.5), max: attr.float(2) }), [2, 5]);
    const clip = [...m.graph][0]!;
    expect(clip.attributes.size).toBe(0);
    expect(clip.inputs.map((v) => Array.from(v!.const?.toFloat32() ?? []))).toEqual([[], [-1.5], [2]]);
  });

  it('keeps a Clip with only a max bound (min input left empty)', async () => {
    const m = await sameInOrt(() => oneNode(10, [7], 'Clip', { max: attr.float(0.5) }), [7]);
    expect([...m.graph][0]!.inputs[1]).toBeNull();
  });

  it('turns Slice starts/ends/axes into int64 inputs, INT64_MAX ends included', async () => {
    const big = 9223372036854775807n;
    const m = await sameInOrt(
      () => oneNode(9, [3, 4, 5], 'Slice', { starts: ints([1, -3]), ends: ints([big, -1]), axes: ints([0, 2]) }),
      [3, 4, 5],
    );
    const s = [...m.graph][0]!;
    expect(s.input(2)!.const!.dtype).toBe('int64');
    expect(Array.from(s.input(2)!.const!.values() as BigInt64Array)).toEqual([big, -1n]);
  });

  it('turns Pad pads/value into inputs (constant and reflect modes)', async () => {
    await sameInOrt(
      () => oneNode(2 + 5, [1, 2, 3, 3], 'Pad', { pads: ints([0, 0, 1, 2, 0, 0, 2, 1]), value: attr.float(-3) }),
      [1, 2, 3, 3],
    );
    const m = await sameInOrt(
      () => oneNode(10, [1, 1, 4, 4], 'Pad', { pads: ints([0, 0, 1, 1, 0, 0, 2, 2]), mode: attr.string('reflect') }),
      [1, 1, 4, 4],
    );
    expect([...m.graph][0]!.inputs.length).toBe(2);
  });

  it('turns Upsample into Resize with the old asymmetric, flooring mapping (nearest and linear)', async () => {
    for (const mode of ['nearest', 'linear']) {
      const up7 = () =>
        oneNode(7, [1, 2, 3, 4], 'Upsample', { mode: attr.string(mode), scales: attr.floats([1, 1, 2, 1.5]) });
      const m = await sameInOrt(up7, [1, 2, 3, 4]);
      expect(ops(m)).toEqual(['Resize']);
      expect([...m.graph][0]!.getString('coordinate_transformation_mode')).toBe('asymmetric');
      await sameInOrt(up7, [1, 2, 3, 4], 21);
    }
  });

  it('keeps Resize-10 shrinking, growing and mixed scales the same (two Resizes when mixed)', async () => {
    for (const [scales, mode, count] of [
      [[1, 1, 0.5, 0.75], 'nearest', 1],
      [[1, 1, 0.5, 1.75], 'nearest', 2],
      [[1, 1, 2.5, 1.75], 'nearest', 1],
      [[1, 1, 0.6, 1.75], 'linear', 1],
    ] as const) {
      const make = () =>
        oneNode(10, [1, 1, 6, 8], 'Resize', { mode: attr.string(mode) }, 1, (g) => [
          g.addInitializer('scales', float32Tensor([4], scales)),
        ]);
      const m = await sameInOrt(make, [1, 1, 6, 8]);
      expect(ops(m)).toEqual(Array(count).fill('Resize'));
      if (mode === 'nearest') expect(m.graph.initializers().map((v) => v.name)).not.toContain('scales');
    }
  });

  it('turns Split sizes into an input (13) and counts the outputs (18)', async () => {
    const make = () => oneNode(11, [2, 6], 'Split', { axis: attr.int(1), split: ints([1, 2, 3]) }, 3);
    const m = await sameInOrt(make, [2, 6]);
    expect(Array.from([...m.graph][0]!.input(1)!.const!.values() as BigInt64Array)).toEqual([1n, 2n, 3n]);
    const even = () => oneNode(8, [2, 6], 'Split', { axis: attr.int(1) }, 2);
    const m18 = await sameInOrt(even, [2, 6], 18);
    expect([...m18.graph][0]!.getInt('num_outputs')).toBe(2);
  });

  it('turns Squeeze/Unsqueeze/Reduce axes into inputs (ReduceSum at 13, the others at 18)', async () => {
    await sameInOrt(() => oneNode(11, [2, 1, 3], 'Squeeze', { axes: ints([1]) }), [2, 1, 3]);
    await sameInOrt(() => oneNode(11, [2, 3], 'Unsqueeze', { axes: ints([0, 3]) }), [2, 3]);
    const sum = await sameInOrt(
      () => oneNode(12, [2, 3, 4], 'ReduceSum', { axes: ints([1]), keepdims: attr.int(0) }),
      [2, 3, 4],
    );
    expect([...sum.graph][0]!.inputs.length).toBe(2);
    const mean13 = await sameInOrt(() => oneNode(12, [2, 3, 4], 'ReduceMean', { axes: ints([-1]) }), [2, 3, 4]);
    expect([...mean13.graph][0]!.getInts('axes')).toEqual([-1]);
    const mean18 = await sameInOrt(() => oneNode(12, [2, 3, 4], 'ReduceMean', { axes: ints([-1]) }), [2, 3, 4], 18);
    expect([...mean18.graph][0]!.attr('axes')).toBeUndefined();
  });

  it('spells out Softmax on a flattened input where the axis is not the last', async () => {
    const m = await sameInOrt(() => oneNode(11, [2, 3, 4], 'Softmax', { axis: attr.int(1) }), [2, 3, 4]);
    expect(ops(m)).toEqual(['Shape', 'Flatten', 'Softmax', 'Reshape']);
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['y0']);
    const last = await sameInOrt(() => oneNode(11, [2, 3, 4], 'LogSoftmax', { axis: attr.int(2) }), [2, 3, 4]);
    expect(ops(last)).toEqual(['LogSoftmax']);
  });

  it('gives legacy broadcasting (opset 6, axis) trailing ones', async () => {
    const make = () =>
      oneNode(6, [2, 3, 2, 2], 'Add', { broadcast: attr.int(1), axis: attr.int(1) }, 1, (g) => [
        g.addInitializer('b', float32Tensor([3], [10, 20, 30])),
      ]);
    const m = make();
    upgradeOpset(m, 13);
    const add = [...m.graph][0]!;
    expect(add.attributes.size).toBe(0);
    expect(add.input(1)!.const!.shape).toEqual([3, 1, 1]);
    // onnxruntime does not run opset-6 Add with legacy broadcasting, so check the values directly.
    const x = wave(24);
    const [y] = await run(m, x, [2, 3, 2, 2]);
    expect(y!.data[5]).toBeCloseTo(x[5]! + 20, 5);
  });

  it('drops is_test, spatial and unread statistics outputs of BatchNormalization', async () => {
    const make = () =>
      oneNode(7, [1, 2, 2, 2], 'BatchNormalization', { spatial: attr.int(1), epsilon: attr.float(1e-3) }, 1, (g) =>
        ['scale', 'bias', 'mean', 'var'].map((n, i) => g.addInitializer(n, float32Tensor([2], [1 + i, 0.5 + i]))),
      );
    const m = await sameInOrt(make, [1, 2, 2, 2], 15);
    const bn = [...m.graph][0]!;
    expect(bn.attr('spatial')).toBeUndefined();
    expect(bn.outputs.length).toBe(1);
  });

  it('turns TopK k and Dropout ratio into inputs, Scatter into ScatterElements', async () => {
    const topk = await sameInOrt(() => oneNode(9, [3, 5], 'TopK', { k: attr.int(2) }, 2), [3, 5]);
    expect(Number([...topk.graph][0]!.input(1)!.const!.values()[0])).toBe(2);
    const dropout = await sameInOrt(() => oneNode(7, [4], 'Dropout', { ratio: attr.float(0.25) }), [4], 13);
    expect([...dropout.graph][0]!.input(1)!.const!.toFloat32()[0]).toBe(0.25);
  });

  it('rewrites inside If branches', async () => {
    const make = () => {
      const g = new Graph('old');
      const x = g.addInput('x', tensorType('float32', [3]));
      const branch = (name: string, lo: number) => {
        const b = new Graph(name, { subgraph: true });
        const c = b.addNode({
          opType: 'Clip',
          inputs: [x],
          outputs: [`${name}_y`],
          attributes: { min: attr.float(lo) },
        });
        b.setOutputs([c.output(0)]);
        return b;
      };
      const cond = g.addNode({
        opType: 'ReduceMax',
        inputs: [x],
        outputs: ['mx'],
        attributes: { keepdims: attr.int(0) },
      });
      const zero = g.addInitializer('zero', float32Tensor([], [0]));
      const gt = g.addNode({ opType: 'Greater', inputs: [cond.output(0), zero], outputs: ['c'] });
      const iff = g.addNode({
        opType: 'If',
        inputs: [gt.output(0)],
        outputs: ['y'],
        attributes: { then_branch: attr.graph(branch('then', 1)), else_branch: attr.graph(branch('else', -1)) },
      });
      g.setOutputs([iff.output(0)]);
      const m = new Model(g);
      m.opsetImports.set('', 9);
      m.irVersion = 4;
      return m;
    };
    const m = await sameInOrt(make, [3]);
    const clips = [...m.allGraphs()].flatMap((g) => g.nodes.filter((n) => n.opType === 'Clip'));
    expect(clips.map((c) => c.inputs.length)).toEqual([2, 2]);
  });

  it('refuses what has no later form, naming the node', () => {
    const m = oneNode(8, [1, 3, 2], 'BatchNormalization', { spatial: attr.int(0) }, 1, (g) =>
      ['s', 'b', 'm', 'v'].map((n) => g.addInitializer(n, float32Tensor([3, 2], wave(6)))),
    );
    expect(() => upgradeOpset(m, 13)).toThrow(UnsupportedError);
    expect(() => upgradeOpset(oneNode(8, [1, 3, 2], 'BatchNormalization', { spatial: attr.int(0) }), 13)).toThrow(
      /batchnormalization.*spatial = 0|spatial = 0/,
    );
    expect(() => upgradeOpset(oneNode(5, [1], 'Relu'), 13)).toThrow(/knows opsets 6 to 21/);
  });

  it('leaves a model at or above the target alone', () => {
    const m = oneNode(17, [2], 'Relu');
    expect(upgradeOpset(m, 13)).toEqual({ from: 17, to: 17, rewritten: {} });
    expect(m.opset('')).toBe(17);
  });
});
