import { checkModel } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { convBnModel } from '@enxuto/transforms/testing';
import { describe, expect, it } from 'vitest';
import { foldBatchnorm } from './fold-batchnorm.js';

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
