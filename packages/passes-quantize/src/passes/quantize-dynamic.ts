// quantize-dynamic: int8 MatMul/Gemm weights, activations quantized at run time. The plain function
// (quantizeDynamic) and the pass.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { upgradeOpset } from '@enxuto/transforms';
import { insertDynamic, type DynamicReport } from '../graph/dynamic.js';
import { detachInitializerInputs, foldConstantReshapes } from '../graph/prepare.js';
import { compactNames } from '../graph/compact.js';
import type { StreamingHooks } from '../graph/helpers.js';

export const dynamicOptionsSchema = z.strictObject({
  perChannel: z.boolean().default(true).describe('one weight scale per output column instead of one per tensor'),
  weightType: z
    .enum(['int8', 'uint8'])
    .default('int8')
    .describe('int8: symmetric weights; uint8: asymmetric weights with a zero point per column'),
  exclude: z.array(z.string()).default([]).describe('MatMul/Gemm node names kept in float'),
  compactNames: z.boolean().default(false).describe('rename internal values to short names (smaller file)'),
});
export type DynamicOptions = z.output<typeof dynamicOptionsSchema>;

export function quantizeDynamic(
  model: Model,
  options: Partial<DynamicOptions> = {},
  hooks: StreamingHooks = {},
): { model: Model; report: DynamicReport } {
  const o = dynamicOptionsSchema.parse(options);
  const m = hooks.inPlace ? model : cloneModel(model);
  upgradeOpset(m, o.perChannel ? 13 : 11);
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  const report = insertDynamic(m, o, hooks.store);
  if (o.compactNames) compactNames(m);
  checkModel(m);
  return { model: m, report };
}

export const quantizeDynamicPass = definePass({
  name: 'quantize-dynamic',
  summary: 'int8 MatMul/Gemm weights, activations quantized at run time (Conv stays float)',
  options: dynamicOptionsSchema,
  inPlace: false,
  async run(model, options) {
    const { model: m, report } = quantizeDynamic(model, options);
    return {
      model: m,
      changed: report.layers.length > 0,
      stats: {
        layers: report.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: 'int8-dynamic',
        })),
      },
    };
  },
});
