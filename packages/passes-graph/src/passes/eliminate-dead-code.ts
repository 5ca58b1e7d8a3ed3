// eliminate-dead-code: the pass wrapper of @enxuto/ir's eliminateDeadCode.
import { eliminateDeadCode as eliminate, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';

export const eliminateDeadCode = definePass({
  name: 'eliminate-dead-code',
  summary: 'Remove nodes and initializers that no graph output depends on',
  options: z.strictObject({
    initializers: z.boolean().default(true).describe('also remove initializers that nothing reads'),
  }),
  inPlace: true,
  async run(model: Model, options) {
    const stats = eliminate(model, { initializers: options.initializers });
    return { model, changed: stats.removedNodes + stats.removedInitializers > 0, stats: { ...stats } };
  },
});
