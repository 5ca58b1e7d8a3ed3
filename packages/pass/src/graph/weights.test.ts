import { attr, checkModel, float32Tensor, Graph, int64Tensor, Model, tensorType, type Value } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { findWeights, materializeWeight, weightTensor } from './weights.js';

/**
 * x [1, 6] -> MatMul(W1 direct [6, 4]) -> MatMul(Reshape(W2 [8], [4, 2])) -> MatMul(Transpose(W3 [3, 2]))
 * -> Gemm(same W3 through the same Transpose) -> y.
 */
function model(): Model {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType('float32', [1, 6]));
  const w1 = g.addInitializer(
    'W1',
    float32Tensor(
      [6, 4],
      Array.from({ length: 24 }, (_, i) => i),
    ),
  );
  const w2 = g.addInitializer('W2', float32Tensor([8], [1, 2, 3, 4, 5, 6, 7, 8]));
  const s2 = g.addInitializer('W2_shape', int64Tensor([2], [4, -1]));
  const w3 = g.addInitializer('W3', float32Tensor([3, 2], [1, 2, 3, 4, 5, 6]));
  const r = g.addNode({ opType: 'Reshape', inputs: [w2, s2], outputs: ['W2_r'] }).output(0);
  const t = g
    .addNode({ opType: 'Transpose', inputs: [w3], outputs: ['W3_t'], attributes: { perm: attr.ints([1, 0]) } })
    .output(0);
  let h: Value = g.addNode({ opType: 'MatMul', name: 'mm1', inputs: [x, w1], outputs: ['h1'] }).output(0);
  h = g.addNode({ opType: 'MatMul', name: 'mm2', inputs: [h, r], outputs: ['h2'] }).output(0);
  h = g.addNode({ opType: 'MatMul', name: 'mm3', inputs: [h, t], outputs: ['h3'] }).output(0);
  h = g.addNode({ opType: 'Gemm', name: 'gemm', inputs: [h, t], outputs: ['y'] }).output(0);
  g.setOutputs([h]);
  return new Model(g);
}

describe('findWeights', () => {
  it('finds direct weights and weights behind Reshape and Transpose, with the shape the node reads', () => {
    const refs = findWeights(model().graph);
    expect(refs.map((r) => [r.node.name, r.source.name, r.views.map((v) => v.opType), r.shape])).toEqual([
      ['mm1', 'W1', [], [6, 4]],
      ['mm2', 'W2', ['Reshape'], [4, 2]],
      ['mm3', 'W3', ['Transpose'], [2, 3]],
      ['gemm', 'W3', ['Transpose'], [2, 3]],
    ]);
  });

  it('names the other readers of a shared weight', () => {
    const refs = findWeights(model().graph);
    expect(refs.map((r) => r.sharedWith.map((n) => n.name))).toEqual([[], [], ['gemm'], ['mm3']]);
  });

  it('sees only what it is told to: views, ops, dtype', () => {
    const g = model().graph;
    expect(findWeights(g, { views: [] }).map((r) => r.node.name)).toEqual(['mm1']);
    expect(findWeights(g, { views: ['Reshape'] }).map((r) => r.node.name)).toEqual(['mm1', 'mm2']);
    expect(findWeights(g, { ops: ['Gemm'] }).map((r) => r.node.name)).toEqual(['gemm']);
    expect(findWeights(g, { dtype: 'int8' })).toEqual([]);
  });

  it('gives the data as the node reads it', () => {
    const [, mm2, mm3] = findWeights(model().graph);
    const r = weightTensor(mm2!);
    expect(r.shape).toEqual([4, 2]);
    expect(Array.from(r.toFloat32())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const t = weightTensor(mm3!);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.toFloat32())).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('materializes a viewed weight for every reader of the view and removes what nothing reads', () => {
    const m = model();
    const g = m.graph;
    const refs = findWeights(g);
    for (const ref of refs) materializeWeight(g, ref);
    checkModel(m);
    expect([...g].map((n) => n.opType)).toEqual(['MatMul', 'MatMul', 'MatMul', 'Gemm']);
    expect(
      g
        .initializers()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['W1', 'W2_reshaped', 'W3_transposed']);
    expect(
      g
        .value('W3_transposed')!
        .uses()
        .map((u) => u.node.name),
    ).toEqual(['mm3', 'gemm']);
    expect(Array.from(g.value('W3_transposed')!.const!.toFloat32())).toEqual([1, 3, 5, 2, 4, 6]);
    expect(findWeights(g, { views: [] }).map((r) => r.shape)).toEqual([
      [6, 4],
      [4, 2],
      [2, 3],
      [2, 3],
    ]);
  });

  it('skips a Reshape whose target does not fit the data', () => {
    const m = model();
    const g = m.graph;
    g.setConst(g.value('W2_shape')!, int64Tensor([2], [3, -1]));
    expect(findWeights(g).map((r) => r.node.name)).toEqual(['mm1', 'mm3', 'gemm']);
  });
});
