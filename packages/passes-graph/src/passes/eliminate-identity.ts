// eliminate-identity: the pass wrapper of @enxuto/transforms' eliminateIdentity.
import type { Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { eliminateIdentity as eliminate } from '@enxuto/transforms';
import { z } from 'zod';

export const eliminateIdentity = definePass({
  name: 'eliminate-identity',
  summary: 'Remove Identity nodes (and inference-mode Dropout) by wiring their readers to the input',
  options: z.strictObject({
    dropout: z.boolean().default(true).describe('also remove Dropout nodes, which are the identity at inference'),
  }),
  inPlace: true,
  async run(model: Model, options) {
    const stats = eliminate(model, { dropout: options.dropout });
    return { model, changed: stats.removed > 0, stats: { ...stats } };
  },
});
