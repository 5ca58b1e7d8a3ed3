// equalize-cross-layer: data-free cross-layer equalization, before quantize-static. The plain
// function (equalizeModel) and the pass.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { equalizeCrossLayer, type EqualizePair } from '../graph/equalize.js';
import { prepareFloat } from '../graph/prepare.js';

export const equalizeOptionsSchema = z.strictObject({
  iterations: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(4)
    .describe('sweeps over the layer pairs (inner layers are scaled from both sides)'),
});
export type EqualizeOptions = z.output<typeof equalizeOptionsSchema>;

export function equalizeModel(
  model: Model,
  options: Partial<EqualizeOptions> = {},
): { model: Model; pairs: EqualizePair[] } {
  const o = equalizeOptionsSchema.parse(options);
  const m = cloneModel(model);
  prepareFloat(m);
  const pairs = equalizeCrossLayer(m.graph, o);
  checkModel(m);
  return { model: m, pairs };
}

export const equalizeCrossLayerPass = definePass({
  name: 'equalize-cross-layer',
  summary:
    'data-free cross-layer equalization (Nagel et al. 2019) of consecutive Conv/Gemm layers, before quantize-static',
  options: equalizeOptionsSchema,
  inPlace: false,
  async run(model, options) {
    const { model: m, pairs } = equalizeModel(model, options);
    return { model: m, changed: pairs.length > 0, stats: { pairs } };
  },
});
