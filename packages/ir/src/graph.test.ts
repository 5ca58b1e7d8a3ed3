import { describe, expect, it } from 'vitest';
import { attr } from './attr.js';
import { CheckError } from './errors.js';
import { Graph } from './graph.js';
import { float32Tensor } from './tensor.js';
import { tensorType } from './types.js';

function mlp() {
  const g = new Graph('mlp');
  const x = g.addInput('x', tensorType('float32', ['batch', 4]));
  const w = g.addInitializer('w', float32Tensor([4, 2], new Float32Array(8).fill(1)));
  const mm = g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['h'] });
  const relu = g.addNode({ opType: 'Relu', inputs: [mm.output()], outputs: ['y'] });
  g.setOutputs([relu.output()]);
  return { g, x, w, mm, relu };
}

describe('Graph use-def chains', () => {
  it('records producers and uses as nodes are added', () => {
    const { x, w, mm, relu } = mlp();
    expect(mm.output().producer()).toBe(mm);
    expect(x.uses()).toEqual([{ node: mm, index: 0 }]);
    expect(w.uses()).toEqual([{ node: mm, index: 1 }]);
    expect(mm.output().uses()).toEqual([{ node: relu, index: 0 }]);
    expect(x.isGraphInput()).toBe(true);
    expect(w.isInitializer()).toBe(true);
    expect(relu.output().isGraphOutput()).toBe(true);
  });

  it('replaceAllUsesWith moves every reader and graph output', () => {
    const { g, mm, relu } = mlp();
    const sig = g.addNode({ opType: 'Sigmoid', inputs: [mm.output()], outputs: ['s'] });
    g.replaceAllUsesWith(relu.output(), sig.output());
    expect(g.outputs.map((o) => o.name)).toEqual(['s']);
    g.remove(relu);
    expect(mm.output().uses()).toEqual([{ node: sig, index: 0 }]);
    expect(g.value('y')).toBeUndefined();
    expect(relu.isRemoved()).toBe(true);
  });

  it('refuses to remove a node whose output is still read, unless unsafe', () => {
    const { g, mm, relu } = mlp();
    expect(() => g.remove(mm)).toThrowError(CheckError);
    expect(() => g.remove(mm)).toThrow(/read by Relu\(y\)/);
    g.remove([relu, mm], { safe: false });
    expect(g.nodes).toHaveLength(0);
  });

  it('removing a node together with its reader is safe', () => {
    const { g, mm, relu } = mlp();
    const extra = g.addNode({ opType: 'Identity', inputs: [relu.output()], outputs: ['z'] });
    g.setOutputs([mm.output()]);
    g.remove([relu, extra]);
    expect(mm.output().uses()).toHaveLength(0);
  });

  it('rejects duplicate value names (SSA)', () => {
    const { g, x } = mlp();
    expect(() => g.addNode({ opType: 'Relu', inputs: [x], outputs: ['h'] })).toThrow(/duplicate value name h/);
  });

  it('setInput keeps use lists exact for repeated inputs', () => {
    const { g, x, mm } = mlp();
    const add = g.addNode({ opType: 'Add', inputs: [x, x], outputs: ['a'] });
    expect(
      x
        .uses()
        .filter((u) => u.node === add)
        .map((u) => u.index),
    ).toEqual([0, 1]);
    g.setInput(add, 1, mm.output());
    expect(
      x
        .uses()
        .filter((u) => u.node === add)
        .map((u) => u.index),
    ).toEqual([0]);
    expect(
      mm
        .output()
        .uses()
        .some((u) => u.node === add && u.index === 1),
    ).toBe(true);
  });
});

describe('Graph order', () => {
  it('iterates topologically even when stored out of order', () => {
    const g = new Graph();
    const x = g.addInput('x');
    const late = g.addNode({ opType: 'Relu', outputs: ['b'] });
    const early = g.addNode({ opType: 'Neg', inputs: [x], outputs: ['a'] });
    g.setInput(late, 0, early.output());
    expect([...g].map((n) => n.opType)).toEqual(['Neg', 'Relu']);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Relu', 'Neg']);
  });

  it('keeps stored order where it is valid and inserts where asked', () => {
    const { g, mm, relu } = mlp();
    const id = g.insertAfter(mm, { opType: 'Identity', inputs: [mm.output()], outputs: ['h2'] });
    g.setInput(relu, 0, id.output());
    expect([...g].map((n) => n.opType)).toEqual(['MatMul', 'Identity', 'Relu']);
    const first = g.insertBefore(mm, { opType: 'Constant', outputs: ['c'] });
    expect([...g][0]).toBe(first);
  });

  it('detects a cycle and names a node in it', () => {
    const g = new Graph();
    const a = g.addNode({ opType: 'Relu', outputs: ['a'] });
    const b = g.addNode({ opType: 'Relu', inputs: [a.output()], outputs: ['b'] });
    g.setInput(a, 0, b.output());
    expect(() => g.topologicalOrder()).toThrowError(expect.objectContaining({ code: 'check/cycle' }));
  });

  it('orders producers of outer-scope values before the node whose subgraph reads them', () => {
    const g = new Graph();
    const cond = g.addInput('cond');
    const ifNode = g.addNode({ opType: 'If', inputs: [cond], outputs: ['r'] });
    const producer = g.addNode({ opType: 'Neg', inputs: [cond], outputs: ['outer'] });
    const branch = new Graph('then');
    ifNode.setAttr('then_branch', attr.graph(branch));
    const inner = branch.addNode({ opType: 'Identity', inputs: [producer.output()], outputs: ['t'] });
    branch.setOutputs([inner.output()]);
    expect(branch.parentGraph).toBe(g);
    expect(producer.output().uses()).toEqual([{ node: inner, index: 0 }]);
    expect([...g].map((n) => n.opType)).toEqual(['Neg', 'If']);
    expect([...branch.outerValues()].map((v) => v.name)).toEqual(['outer']);
  });

  it('handles a 100,000-node chain without overflowing the stack', () => {
    const g = new Graph();
    let v = g.addInput('x');
    const nodes = [];
    for (let i = 0; i < 100_000; i++) nodes.push(g.addNode({ opType: 'Relu', outputs: [`v${i}`] }));
    for (let i = nodes.length - 1; i >= 0; i--) {
      g.setInput(nodes[i]!, 0, i === 0 ? v : nodes[i - 1]!.output());
    }
    v = nodes[nodes.length - 1]!.output();
    const order = g.topologicalOrder();
    expect(order[0]).toBe(nodes[0]);
    expect(order[order.length - 1]).toBe(nodes[nodes.length - 1]);
  });

  it('uniqueName avoids names in enclosing graphs', () => {
    const { mm } = mlp();
    const body = new Graph('body');
    mm.setAttr('body', attr.graph(body));
    expect(body.uniqueName('x')).not.toBe('x');
    expect(body.uniqueName('fresh')).toBe('fresh');
  });
});
