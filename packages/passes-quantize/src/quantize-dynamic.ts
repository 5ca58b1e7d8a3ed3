// quantize-dynamic and quantize-weights as plain functions.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { z } from 'zod';
import { insertDynamic, type DynamicReport } from './graph/dynamic.js';
import { upgradeOpset } from '@enxuto/transforms';
import { detachInitializerInputs, foldConstantReshapes } from './graph/prepare.js';
import { quantizeWeightsOnly, type WeightOnlyReport } from './graph/weight-only.js';
import { compactNames } from './graph/compact.js';

export const dynamicOptionsSchema = z.strictObject({
  perChannel: z.boolean().default(true).describe('one weight scale per output column instead of one per tensor'),
  exclude: z.array(z.string()).default([]).describe('MatMul/Gemm node names kept in float'),
  compactNames: z.boolean().default(false).describe('rename internal values to short names (smaller file)'),
});
export type DynamicOptions = z.output<typeof dynamicOptionsSchema>;

export function quantizeDynamic(
  model: Model,
  options: Partial<DynamicOptions> = {},
): { model: Model; report: DynamicReport } {
  const o = dynamicOptionsSchema.parse(options);
  const m = cloneModel(model);
  upgradeOpset(m, o.perChannel ? 13 : 11);
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  const report = insertDynamic(m, o);
  if (o.compactNames) compactNames(m);
  checkModel(m);
  return { model: m, report };
}

export const weightsOptionsSchema = z.strictObject({
  bits: z
    .union([z.literal(4), z.literal(8)])
    .default(8)
    .describe(
      '8: int8 weights behind DequantizeLinear (Conv, MatMul, Gemm); 4: MatMul weights as com.microsoft MatMulNBits (onnxruntime)',
    ),
  blockSize: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(32)
    .describe('4-bit only: weights per scale along K (a power of two >= 16)'),
  symmetric: z
    .boolean()
    .default(true)
    .describe('symmetric weights (zero point in the middle); false stores a zero point per channel/block'),
  perChannel: z.boolean().default(true).describe('8-bit only: one scale per output channel'),
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
): { model: Model; report: WeightOnlyReport } {
  const o = weightsOptionsSchema.parse(options);
  const m = cloneModel(model);
  upgradeOpset(m, o.bits === 4 && o.int4Format === 'dequantize' ? 21 : o.bits === 8 && o.perChannel ? 13 : 10);
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  const report = quantizeWeightsOnly(m, { ...o, bits: o.bits as 4 | 8 });
  if (o.compactNames) compactNames(m);
  checkModel(m);
  return { model: m, report };
}
