import { checkModel } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { foldableModel } from '@enxuto/transforms/testing';
import { describe, expect, it } from 'vitest';
import { eliminateDeadCode } from './eliminate-dead-code.js';

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
