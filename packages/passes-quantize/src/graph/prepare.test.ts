import { describe, expect, it } from 'vitest';
import { checkModel, float32Tensor, int64Tensor, Model } from '@enxuto/ir';
import { foldConstantReshapes, prepareForQuantization } from './prepare.js';
import { tinyConvNet } from './test-models.js';

describe('prepareForQuantization', () => {
  it('raises the opset, folds the conv bias and turns MatMul + Add into Gemm', () => {
    const m = tinyConvNet();
    const bias = m.graph.value('B')!.const!.toFloat32();
    const r = prepareForQuantization(m);
    expect(r).toMatchObject({ opset: { from: 8, to: 13 }, affineFolded: { Add: 2 }, gemmsFormed: 1 });
    checkModel(m);
    expect(m.opset('')).toBe(13);
    expect(m.irVersion).toBe(7);
    expect([...m.graph].map((n) => n.opType)).toEqual(['Conv', 'Relu', 'MaxPool', 'Reshape', 'Gemm']);
    const conv = [...m.graph][0]!;
    expect([...conv.inputs[2]!.const!.toFloat32()]).toEqual([...bias]);
    // the Conv keeps its own output; the graph output keeps its name
    expect(conv.outputs[0]!.name).toBe('conv_out');
    expect(m.graph.outputs[0]!.name).toBe('y');
    expect(m.graph.value('B')).toBeUndefined();
  });
  it('folds Reshape of a constant', () => {
    const m = new Model();
    const g = m.graph;
    const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 3] });
    const w = g.addInitializer('w', float32Tensor([6], [1, 2, 3, 4, 5, 6]));
    const s = g.addInitializer('s', int64Tensor([2], [-1, 2]));
    const r = g.addNode({ opType: 'Reshape', inputs: [w, s], outputs: ['w2'] });
    const mm = g.addNode({ opType: 'MatMul', inputs: [x, r.outputs[0]!], outputs: ['y'] });
    g.setOutputs([mm.outputs[0]!]);
    expect(foldConstantReshapes(g)).toBe(1);
    expect(g.nodes.length).toBe(1);
    expect(mm.inputs[1]!.name).toBe('w2');
    expect(mm.inputs[1]!.const!.shape).toEqual([3, 2]);
    expect(g.value('w')).toBeUndefined();
    checkModel(m);
  });
});
