// fold-batchnorm: the pass wrapper of @enxuto/transforms' foldBatchNorm.
import type { Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { foldBatchNorm } from '@enxuto/transforms';
import { z } from 'zod';

export const foldBatchnorm = definePass({
  name: 'fold-batchnorm',
  summary: 'Fold inference-mode BatchNormalization into the Conv or Gemm before it',
  options: z.strictObject({}),
  inPlace: true,
  async run(model: Model) {
    const stats = foldBatchNorm(model);
    return { model, changed: stats.folded > 0, stats: { ...stats } };
  },
});
