import { checkModel } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldConstants } from './fold-constants.js';
import { testPassContext } from '@enxuto/pipeline';
import { convBnModel, foldableModel } from '@enxuto/transforms/testing';
import { foldBatchnorm } from './fold-batchnorm.js';

describe('fold-constants', () => {
  it('computes Constant, Reshape and Mul of constants into one initializer', async () => {
    const r = await foldConstants.run(foldableModel(), { maxElements: 1 << 20 }, testPassContext());
    checkModel(r.model);
    expect(r.stats).toMatchObject({ folded: 3 });
    const g = r.model.graph;
    expect([...g].map((n) => n.opType).sort()).toEqual(['Add', 'Identity', 'Relu']);
    const rs = g.value('rs')!;
    expect(rs.isInitializer()).toBe(true);
    expect(rs.const!.shape).toEqual([2, 2]);
    expect(Array.from(rs.const!.toFloat32())).toEqual([10, 20, 30, 40]);
    // The now-unused data, shape and constant are gone; the unrelated orphan stays for DCE.
    expect(
      g
        .initializers()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['orphan', 'rs']);
  });

  it('does not fold results larger than maxElements', async () => {
    const r = await foldConstants.run(foldableModel(), { maxElements: 3 }, testPassContext());
    // Only the scalar Constant fits.
    expect(r.stats).toMatchObject({ folded: 1 });
    expect(r.model.graph.value('rs')!.isInitializer()).toBe(false);
  });
});

describe('eliminate-dead-code', () => {
  it('removes unread nodes and initializers', async () => {
    const r = await eliminateDeadCode.run(foldableModel(), { initializers: true }, testPassContext());
    checkModel(r.model);
    expect(r.stats).toEqual({ removedNodes: 1, removedInitializers: 1 });
    expect(r.model.graph.value('unused')).toBeUndefined();
    expect(r.model.graph.value('orphan')).toBeUndefined();
  });

  it('reports no change on a clean graph', async () => {
    const m = foldableModel();
    await eliminateDeadCode.run(m, { initializers: true }, testPassContext());
    const again = await eliminateDeadCode.run(m, { initializers: true }, testPassContext());
    expect(again.changed).toBe(false);
  });
});

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

describe('fold-batchnorm', () => {
  it('reports what @enxuto/transforms folded, and no change when there is nothing to fold', async () => {
    const r = await foldBatchnorm.run(convBnModel(), {}, testPassContext());
    checkModel(r.model);
    expect(r.changed).toBe(true);
    expect(r.stats).toMatchObject({ folded: 1 });
    expect([...r.model.graph].map((n) => n.opType)).toEqual(['Conv']);
    const again = await foldBatchnorm.run(r.model, {}, testPassContext());
    expect(again.changed).toBe(false);
  });
});
