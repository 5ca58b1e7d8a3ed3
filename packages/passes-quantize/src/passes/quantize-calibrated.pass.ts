import { definePass, type PassContext } from '@enxuto/pipeline';
import type { Model } from '@enxuto/ir';
import { calibrationBatches } from '../calibrate/token-batches.js';
import {
  awqOptionsSchema,
  gptqOptionsSchema,
  quantizeCalibrated,
  type AwqPassOptions,
  type GptqPassOptions,
} from '../quantize-calibrated.js';
import { backendOf } from './common.js';

async function run(model: Model, method: 'gptq' | 'awq', options: GptqPassOptions | AwqPassOptions, ctx: PassContext) {
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

export const quantizeGptqPass = definePass({
  name: 'quantize-gptq',
  summary: 'n-bit weights (MatMulNBits) by GPTQ: rounding errors compensated with the inverse Hessian of each layer',
  options: gptqOptionsSchema,
  needs: ['data', 'runtime'],
  run: (model, options, ctx) => run(model, 'gptq', options, ctx),
});

export const quantizeAwqPass = definePass({
  name: 'quantize-awq',
  summary: 'n-bit weights (MatMulNBits) with activation-aware scales (AWQ): salient input channels keep finer steps',
  options: awqOptionsSchema,
  needs: ['data', 'runtime'],
  run: (model, options, ctx) => run(model, 'awq', options, ctx),
});
