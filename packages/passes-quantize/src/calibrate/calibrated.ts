// What quantize-gptq and quantize-awq run: calibrated n-bit weights (MatMulNBits), embeddings by
// round to nearest (GatherBlockQuantized); `runCalibratedPass` is the body both passes share.
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import type { InferenceBackend, PassContext } from '@enxuto/pass';
import { z } from 'zod';
import { backendOf } from './context.js';
import { calibrationBatches } from './token-batches.js';
import { quantizeLayerwise, type LayerwiseHooks, type LayerwiseLayer } from './layerwise.js';
import type { CalibrationBatch } from './session.js';
import { DEFAULT_GPTQ } from '../kernels/gptq.js';
import { quantizeWeightsOnly, type WeightOnlyReport } from '../graph/weight-only.js';

const common = {
  bits: z
    .number()
    .int()
    .min(2)
    .max(8)
    .default(4)
    .describe('bits per weight (onnxruntime runs 2, 4 and 8; 3 is stored in 4-bit codes)'),
  blockSize: z
    .number()
    .int()
    .min(16)
    .max(4096)
    .default(32)
    .describe('weights per scale along K (a power of two >= 16)'),
  symmetric: z.boolean().default(false).describe('symmetric blocks (no zero points stored)'),
  embeddings: z
    .boolean()
    .default(true)
    .describe(
      'also embedding tables (Gather) as GatherBlockQuantized, by round to nearest: 4-bit below 8 bits, else 8-bit',
    ),
  accuracyLevel: z
    .number()
    .int()
    .min(0)
    .max(4)
    .default(0)
    .describe('MatMulNBits accuracy_level (4: int8 activations in the kernel)'),
  calibrationSamples: z
    .number()
    .int()
    .min(1)
    .default(32)
    .describe('calibration samples (token windows for language models)'),
  batchSize: z.number().int().min(1).max(4096).default(8).describe('calibration samples per inference'),
  minElements: z.number().int().min(1).default(16).describe('weights with fewer elements stay in float'),
  exclude: z.array(z.string()).default([]).describe('node names kept in float'),
};

export const gptqOptionsSchema = z.strictObject({
  ...common,
  damp: z
    .number()
    .min(0)
    .max(10)
    .default(DEFAULT_GPTQ.damp)
    .describe("dampening added to H's diagonal, as a fraction of its mean"),
  actOrder: z
    .boolean()
    .default(DEFAULT_GPTQ.actOrder)
    .describe('quantize input channels by decreasing activation energy'),
});
export type GptqPassOptions = z.output<typeof gptqOptionsSchema>;

export const awqOptionsSchema = z.strictObject({
  ...common,
  sampleRows: z.number().int().min(1).default(256).describe("input rows per layer kept for the scale search's loss"),
});
export type AwqPassOptions = z.output<typeof awqOptionsSchema>;

export interface CalibratedResult {
  model: Model;
  layers: LayerwiseLayer[];
  embeddings: WeightOnlyReport['layers'];
}

/** GPTQ or AWQ on a copy of `model`; `batches` are the calibration feeds. */
export async function quantizeCalibrated(
  model: Model,
  method: 'gptq' | 'awq',
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
  options: Partial<GptqPassOptions> | Partial<AwqPassOptions>,
  hooks: LayerwiseHooks & { inPlace?: boolean } = {},
): Promise<CalibratedResult> {
  const o = method === 'gptq' ? gptqOptionsSchema.parse(options) : awqOptionsSchema.parse(options);
  const m = hooks.inPlace ? model : cloneModel(model);
  const awqRows = 'sampleRows' in o ? o.sampleRows : 0;
  const layers = await quantizeLayerwise(m, [...batches], backend, { ...o, method, minClip: 1, awqRows }, hooks);
  // What layer-by-layer left (embeddings) goes by round to nearest.
  const rest = quantizeWeightsOnly(
    m,
    {
      bits: o.bits,
      blockSize: o.blockSize,
      symmetric: o.symmetric,
      embeddings: o.embeddings,
      minElements: o.minElements,
      exclude: o.exclude,
      accuracyLevel: o.accuracyLevel,
    },
    hooks.store,
  );
  checkModel(m);
  return { model: m, layers, embeddings: rest.layers };
}

/** Runs GPTQ or AWQ for a pass: calibration batches from the context, progress per layer, stats. */
export async function runCalibratedPass(
  model: Model,
  method: 'gptq' | 'awq',
  options: GptqPassOptions | AwqPassOptions,
  ctx: PassContext,
) {
  const data = ctx.dataset('calibration');
  const limit = Math.min(options.calibrationSamples, data.size);
  const r = await quantizeCalibrated(
    model,
    method,
    backendOf(ctx),
    calibrationBatches(model, data, { batchSize: options.batchSize, limit }),
    options,
    {
      signal: ctx.signal,
      onProgress: (done, total) => {
        ctx.progress.update(done, total, 'layers');
        ctx.throwIfAborted();
      },
    },
  );
  ctx.logger.info(
    `${method}: ${r.layers.length} weights in ${options.bits} bits, ${r.embeddings.length} by round to nearest`,
  );
  return {
    model: r.model,
    changed: r.layers.length + r.embeddings.length > 0,
    stats: {
      layers: [
        ...r.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: `int${l.bits}-${method}`,
        })),
        ...r.embeddings.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: `int${l.bits}-weights`,
        })),
      ],
      calibrationSamples: limit,
    },
  };
}
