// eliminate-dead-code: the pass wrapper of @enxuto/transforms' eliminateDeadCode.
import type { Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pipeline';
import { eliminateDeadCode as eliminate } from '@enxuto/transforms';
import { z } from 'zod';

export const eliminateDeadCode = definePass({
  name: 'eliminate-dead-code',
  summary: 'Remove nodes and initializers that no graph output depends on',
  options: z.strictObject({
    initializers: z.boolean().default(true).describe('also remove initializers that nothing reads'),
  }),
  async run(model: Model, options) {
    const stats = eliminate(model, { initializers: options.initializers });
    return { model, changed: stats.removedNodes + stats.removedInitializers > 0, stats: { ...stats } };
  },
});
