import { attr, float32Tensor, Graph, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { foldTransposes } from './fold-transposes.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from './kernels.js';

const T = (perm: readonly number[]) => ({ perm: attr.ints([...perm]) });

describe('foldTransposes', () => {
  it('cancels a transpose pair around element-wise ops, moving the bias into the new layout', () => {
    const g = new Graph();
    const x = g.addInput('x', tensorType('float32', [1, 2, 2, 3]));
    const b = g.addInitializer('b', float32Tensor([3], [1, 2, 3]));
    const t1 = g.addNode({ opType: 'Transpose', inputs: [x], outputs: ['t1'], attributes: T(NHWC_TO_NCHW) });
    const relu = g.addNode({ opType: 'Relu', inputs: [t1.output()], outputs: ['r'] });
    const add = g.addNode({
      opType: 'Add',
      inputs: [relu.output(), g.addInitializer('b4', float32Tensor([3, 1, 1], [1, 2, 3]))],
      outputs: ['a'],
    });
    const t2 = g.addNode({ opType: 'Transpose', inputs: [add.output()], outputs: ['y'], attributes: T(NCHW_TO_NHWC) });
    const mul = g.addNode({ opType: 'Mul', inputs: [t2.output(), b], outputs: ['z'] });
    g.setOutputs([mul.output()]);
    foldTransposes(g);
    expect([...g].map((n) => n.opType)).toEqual(['Relu', 'Add', 'Mul']);
    const addNode = [...g].find((n) => n.opType === 'Add')!;
    expect(addNode.input(1)!.const!.shape).toEqual([1, 1, 1, 3]);
    expect(Array.from(addNode.input(1)!.const!.toFloat32())).toEqual([1, 2, 3]);
    expect(g.outputs.map((v) => v.name)).toEqual(['z']);
  });

  it('sinks a transpose to the output and keeps the output name', () => {
    const g = new Graph();
    const x = g.addInput('x', tensorType('float32', [1, 3, 2, 2]));
    const t = g.addNode({ opType: 'Transpose', inputs: [x], outputs: ['t'], attributes: T(NCHW_TO_NHWC) });
    const relu = g.addNode({ opType: 'Relu', inputs: [t.output()], outputs: ['y'] });
    g.setOutputs([relu.output()]);
    foldTransposes(g);
    expect([...g].map((n) => n.opType)).toEqual(['Relu', 'Transpose']);
    expect(g.outputs[0]!.name).toBe('y');
    expect(g.outputs[0]!.producer()!.opType).toBe('Transpose');
  });

  it('folds a transpose of a constant and merges consecutive transposes', () => {
    const g = new Graph();
    const x = g.addInput('x', tensorType('float32', [2, 3, 4]));
    const w = g.addInitializer('w', float32Tensor([2, 3], [1, 2, 3, 4, 5, 6]));
    const tw = g.addNode({ opType: 'Transpose', inputs: [w], outputs: ['wt'], attributes: T([1, 0]) });
    const t1 = g.addNode({ opType: 'Transpose', inputs: [x], outputs: ['t1'], attributes: T([1, 2, 0]) });
    const t2 = g.addNode({ opType: 'Transpose', inputs: [t1.output()], outputs: ['t2'], attributes: T([1, 2, 0]) });
    const s = g.addNode({ opType: 'Shape', inputs: [t2.output()], outputs: ['s'] });
    const m = g.addNode({ opType: 'MatMul', inputs: [tw.output(), tw.output()], outputs: ['m'] });
    g.setOutputs([s.output(), m.output()]);
    foldTransposes(g);
    const ops = [...g].map((n) => n.opType);
    expect(ops.filter((o) => o === 'Transpose')).toHaveLength(1);
    expect([...g].find((n) => n.opType === 'Transpose')!.getInts('perm')).toEqual([2, 0, 1]);
    const mm = [...g].find((n) => n.opType === 'MatMul')!;
    expect(mm.input(0)!.const!.shape).toEqual([3, 2]);
    expect(Array.from(mm.input(0)!.const!.toFloat32())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(g.initializers().map((v) => v.name)).not.toContain('w');
  });
});
