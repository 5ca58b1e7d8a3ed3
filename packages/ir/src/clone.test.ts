import { describe, expect, it } from 'vitest';
import { attr } from './attr.js';
import { cloneModel } from './clone.js';
import { Graph } from './graph.js';
import { Model } from './model.js';
import { countParameters, opHistogram } from './stats.js';
import { float32Tensor } from './tensor.js';

describe('cloneModel', () => {
  it('copies structure, subgraphs with outer references, and metadata, sharing tensors', () => {
    const g = new Graph();
    const x = g.addInput('x');
    const w = g.addInitializer('w', float32Tensor([2], [0, 3]));
    const ifNode = g.addNode({ opType: 'If', inputs: [x], outputs: ['r'] });
    const then = new Graph('then', { subgraph: true });
    const id = then.addNode({ opType: 'Add', inputs: [w, x], outputs: ['t'] });
    then.setOutputs([id.output()]);
    ifNode.setAttr('then_branch', attr.graph(then));
    ifNode.setAttr('k', attr.ints([1, 2]));
    g.setOutputs([ifNode.output()]);
    const m = new Model(g);
    m.metadata.set('author', 'me');

    const c = cloneModel(m);
    const cIf = c.graph.nodes[0]!;
    const cThen = cIf.subgraphs()[0]!;
    const cAdd = cThen.nodes[0]!;
    expect(cAdd.inputs[0]).toBe(c.graph.value('w'));
    expect(cAdd.inputs[0]).not.toBe(w);
    expect(c.graph.value('w')!.uses()).toEqual([{ node: cAdd, index: 0 }]);
    expect(c.graph.value('w')!.const).toBe(w.const);
    expect(c.metadata.get('author')).toBe('me');
    expect(cIf.getInts('k')).toEqual([1, 2]);
    expect(opHistogram(c)).toEqual({ Add: 1, If: 1 });
    expect(countParameters(c)).toEqual({ total: 2, nonZero: 1 });
    // Mutating the copy leaves the original alone.
    c.graph.rename(c.graph.value('w')!, 'w2');
    expect(g.value('w')).toBe(w);
  });
});
