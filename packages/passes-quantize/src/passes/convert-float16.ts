// convert-float16: weights and compute to float16. The plain function (toFloat16) and the pass.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { convertFloat16, type Float16Report } from '../graph/float16.js';
import { detachInitializerInputs } from '../graph/prepare.js';
import type { StreamingHooks } from '../graph/helpers.js';

export const float16OptionsSchema = z.strictObject({
  keepIO: z
    .boolean()
    .default(true)
    .describe('keep float32 graph inputs and outputs (Casts at the borders), so callers feed and read float32'),
  keepOps: z
    .array(z.string())
    .default([])
    .describe('op types computed in float32 (Casts around them), e.g. Softmax, LayerNormalization'),
  exclude: z.array(z.string()).default([]).describe('node names computed in float32'),
});
export type Float16Options = z.output<typeof float16OptionsSchema>;

export function toFloat16(
  model: Model,
  options: Partial<Float16Options> = {},
  hooks: StreamingHooks = {},
): { model: Model; report: Float16Report } {
  const o = float16OptionsSchema.parse(options);
  const m = hooks.inPlace ? model : cloneModel(model);
  detachInitializerInputs(m.graph);
  const report = convertFloat16(m, o, hooks.store);
  checkModel(m);
  return { model: m, report };
}

export const convertFloat16Pass = definePass({
  name: 'convert-float16',
  summary: 'weights and compute to float16, optionally keeping inputs/outputs and listed ops in float32',
  options: float16OptionsSchema,
  inPlace: false,
  async run(model, options) {
    const { model: m, report } = toFloat16(model, options);
    return { model: m, changed: report.initializers > 0 || report.casts > 0, stats: { ...report } };
  },
});
