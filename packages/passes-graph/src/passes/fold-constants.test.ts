import { checkModel } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { foldableModel } from '@enxuto/transforms/testing';
import { describe, expect, it } from 'vitest';
import { foldConstants } from './fold-constants.js';

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
