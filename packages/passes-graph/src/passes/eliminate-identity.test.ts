import { checkModel } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { foldableModel } from '@enxuto/transforms/testing';
import { describe, expect, it } from 'vitest';
import { eliminateIdentity } from './eliminate-identity.js';

describe('eliminate-identity', () => {
  it('removes an Identity feeding a graph output and keeps the output name', async () => {
    const r = await eliminateIdentity.run(foldableModel(), { dropout: true }, testPassContext());
    checkModel(r.model);
    const g = r.model.graph;
    expect(r.stats).toEqual({ removed: 1 });
    expect([...g].some((n) => n.opType === 'Identity')).toBe(false);
    expect(g.outputs.map((o) => o.name)).toEqual(['y']);
    expect(g.outputs[0]!.producer()!.opType).toBe('Add');
  });

  it('keeps an Identity from a graph input straight to a graph output', async () => {
    const m = foldableModel();
    const g = m.graph;
    const id2 = g.addNode({ opType: 'Identity', inputs: [g.inputs[0]!], outputs: ['x_copy'] });
    g.setOutputs([g.value('y')!, id2.output(0)]);
    const r = await eliminateIdentity.run(m, { dropout: true }, testPassContext());
    expect(r.stats).toEqual({ removed: 1 });
    expect(r.model.graph.value('x_copy')!.producer()!.opType).toBe('Identity');
  });
});
