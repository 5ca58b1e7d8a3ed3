import { describe, expect, it } from 'vitest';
import { attr } from './attr.js';
import { CheckError } from './errors.js';
import { extractModel } from './extract.js';
import { Graph } from './graph.js';
import { Model } from './model.js';
import { float32Tensor } from './tensor.js';

function chain(): { m: Model; g: Graph } {
  // x -> Relu(a) -> Add(w)(b) -> If(reads w and b inside)(c) -> Neg(d)
  const g = new Graph();
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [2] });
  const w = g.addInitializer('w', float32Tensor([2], [1, 2]));
  const a = g.addNode({ opType: 'Relu', name: 'a', inputs: [x], outputs: ['a_out'] });
  const b = g.addNode({ opType: 'Add', name: 'b', inputs: [a.output(), w], outputs: ['b_out'] });
  const c = g.addNode({ opType: 'If', name: 'c', inputs: [x], outputs: ['c_out'] });
  const body = new Graph('then', { subgraph: true });
  const inner = body.addNode({ opType: 'Mul', inputs: [b.output(), w], outputs: ['t'] });
  body.setOutputs([inner.output()]);
  c.setAttr('then_branch', attr.graph(body));
  const d = g.addNode({ opType: 'Neg', name: 'd', inputs: [c.output()], outputs: ['y'] });
  g.setOutputs([d.output()]);
  const m = new Model(g);
  m.opsetImports.set('com.microsoft', 1);
  return { m, g };
}

describe('extractModel', () => {
  it('keeps the chosen nodes, turns boundary values into inputs and brings the initializers along', () => {
    const { m, g } = chain();
    const b = g.value('b_out')!;
    const sub = extractModel(m, [g.nodes[2]!, g.nodes[1]!], [g.value('a_out')!, g.value('x')!], [b, g.value('c_out')!]);
    expect(sub.graph.inputs.map((v) => v.name)).toEqual(['a_out', 'x']);
    expect(sub.graph.outputs.map((v) => v.name)).toEqual(['b_out', 'c_out']);
    expect(sub.graph.nodes.map((n) => n.name)).toEqual(['b', 'c']);
    expect(sub.graph.value('w')!.const).toBe(g.value('w')!.const);
    // The subgraph of If reads the copies, not the originals.
    const mul = sub.graph.nodes[1]!.subgraphs()[0]!.nodes[0]!;
    expect(mul.inputs[0]).toBe(sub.graph.value('b_out'));
    expect(sub.opset('com.microsoft')).toBe(1);
    // The source model is untouched.
    expect(g.nodes).toHaveLength(4);
    expect(g.value('w')!.uses()).toHaveLength(2);
  });
  it('names a value that is neither an input nor computed', () => {
    const { m, g } = chain();
    expect(() => extractModel(m, [g.nodes[1]!], [], [g.value('b_out')!])).toThrow(CheckError);
    expect(() => extractModel(m, [g.nodes[1]!], [], [g.value('b_out')!])).toThrow(/a_out/);
  });
});
