// fold-constants: the pass wrapper of @enxuto/transforms' foldConstants.
import type { Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { foldConstants as fold, MAX_FOLDED_ELEMENTS } from '@enxuto/transforms';
import { z } from 'zod';

export const foldConstants = definePass({
  name: 'fold-constants',
  summary: 'Compute nodes whose inputs are all constants and store the results as initializers',
  options: z.strictObject({
    maxElements: z
      .number()
      .int()
      .min(1)
      .max(MAX_FOLDED_ELEMENTS)
      .default(1 << 20)
      .describe('largest folded tensor (elements); bigger results stay as nodes so files do not grow'),
  }),
  inPlace: true,
  async run(model: Model, options) {
    const stats = fold(model, { maxElements: options.maxElements });
    return { model, changed: stats.folded > 0, stats: { ...stats } };
  },
});
