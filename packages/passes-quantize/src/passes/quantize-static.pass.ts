import { definePass } from '@enxuto/pipeline';
import { datasetBatches } from '../calibrate/batches.js';
import { quantizeStatic, staticOptionsSchema } from '../quantize-static.js';
import { backendOf, progressOf } from './common.js';

export const quantizeStaticPass = definePass({
  name: 'quantize-static',
  summary:
    'int8 weights and activations from calibration data (QDQ or QOperator, per-channel, min-max/percentile/entropy/MSE)',
  options: staticOptionsSchema,
  needs: ['data', 'runtime'],
  async run(model, options, ctx) {
    const data = ctx.dataset('calibration');
    const total = Math.min(options.calibrationSamples, data.size);
    const r = await quantizeStatic(
      model,
      backendOf(ctx),
      datasetBatches(model, data, { batchSize: options.batchSize, limit: total }),
      options,
      progressOf(ctx, total, 'calibrating'),
    );
    ctx.logger.info(
      `quantized ${r.qdq.layers.length} layers, ${r.qdq.activations} activations; ${r.qdq.reluFused} Relu folded`,
    );
    return {
      model: r.model,
      changed: r.qdq.layers.length > 0,
      stats: {
        layers: r.qdq.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          quantError: l.weightMse,
          precision: 'int8',
        })),
        activations: r.qdq.activations,
        reluFused: r.qdq.reluFused,
        format: options.format,
        calibration: options.calibration,
        calibrationSamples: total,
        ...(r.converted ? { converted: r.converted } : {}),
      },
    };
  },
});
