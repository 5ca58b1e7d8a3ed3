// quantize-weights: weight-only quantization (int8 behind DequantizeLinear, 2..7 bits block-wise as
// MatMulNBits, embeddings as GatherBlockQuantized). The plain function (quantizeWeights) and the pass.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { compactNames } from '../graph/compact.js';
import { upgradeOpset } from '@enxuto/transforms';
import { detachInitializerInputs, foldConstantReshapes } from '../graph/prepare.js';
import { quantizeWeightsOnly, type WeightOnlyReport } from '../graph/weight-only.js';
import type { StreamingHooks } from '../graph/helpers.js';

export const weightsOptionsSchema = z.strictObject({
  bits: z
    .number()
    .int()
    .min(2)
    .max(8)
    .default(8)
    .describe(
      '8: int8 weights behind DequantizeLinear (Conv, MatMul, Gemm); 2..7: MatMul/Gemm weights as com.microsoft MatMulNBits (onnxruntime runs 2, 4 and 8 bits; 3 is stored in 4-bit codes)',
    ),
  blockSize: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(32)
    .describe('below 8 bits: weights per scale along K (a power of two >= 16)'),
  symmetric: z
    .boolean()
    .default(true)
    .describe('symmetric weights (zero point in the middle); false stores a zero point per channel/block'),
  perChannel: z.boolean().default(true).describe('8-bit only: one scale per output channel'),
  minClip: z
    .number()
    .gt(0)
    .max(1)
    .default(0.75)
    .describe(
      'below 8 bits: smallest range shrink factor tried per block to lower its squared error (1: plain min/max)',
    ),
  embeddings: z
    .boolean()
    .default(true)
    .describe(
      'also embedding tables (Gather from a constant 2-D table) as com.microsoft GatherBlockQuantized: 4-bit below 8 bits, else 8-bit',
    ),
  minElements: z.number().int().min(1).default(16).describe('weights with fewer elements stay in float'),
  int4Format: z
    .enum(['matmulnbits', 'dequantize'])
    .default('matmulnbits')
    .describe(
      "4-bit only: 'matmulnbits' (MatMul weights, onnxruntime's 4-bit kernel: faster and smaller) or 'dequantize' (every Conv/MatMul/Gemm weight as int4 behind a block-wise DequantizeLinear, opset 21: smaller file, float compute)",
    ),
  accuracyLevel: z
    .number()
    .int()
    .min(0)
    .max(4)
    .default(0)
    .describe('4-bit only: MatMulNBits accuracy_level (4 lets onnxruntime use int8 activations: faster, less exact)'),
  exclude: z.array(z.string()).default([]).describe('node names kept in float'),
  compactNames: z.boolean().default(false).describe('rename internal values to short names (smaller file)'),
});
export type WeightsOptions = z.output<typeof weightsOptionsSchema>;

export function quantizeWeights(
  model: Model,
  options: Partial<WeightsOptions> = {},
  hooks: StreamingHooks = {},
): { model: Model; report: WeightOnlyReport } {
  const o = weightsOptionsSchema.parse(options);
  const m = hooks.inPlace ? model : cloneModel(model);
  upgradeOpset(m, o.bits === 4 && o.int4Format === 'dequantize' ? 21 : o.bits === 8 && o.perChannel ? 13 : 10);
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  const report = quantizeWeightsOnly(m, o, hooks.store);
  if (o.compactNames) compactNames(m);
  checkModel(m);
  return { model: m, report };
}

export const quantizeWeightsPass = definePass({
  name: 'quantize-weights',
  summary: 'weight-only quantization: int8 behind DequantizeLinear, or int4 block-wise as MatMulNBits',
  options: weightsOptionsSchema,
  inPlace: false,
  async run(model, options) {
    const { model: m, report } = quantizeWeights(model, options);
    return {
      model: m,
      changed: report.layers.length > 0,
      stats: {
        layers: report.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: `int${l.bits}-weights`,
        })),
      },
    };
  },
});
