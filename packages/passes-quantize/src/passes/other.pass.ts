import { definePass } from '@enxuto/pipeline';
import { datasetBatches } from '../calibrate/batches.js';
import { toFloat16, float16OptionsSchema } from '../convert-float16.js';
import {
  biasCorrectModel,
  biasCorrectionOptionsSchema,
  equalizeModel,
  equalizeOptionsSchema,
} from '../equalize-and-correct.js';
import { autoOptionsSchema, quantizeAuto } from '../quantize-auto.js';
import { backendOf, progressOf } from './common.js';

export const convertFloat16Pass = definePass({
  name: 'convert-float16',
  summary: 'weights and compute to float16, optionally keeping inputs/outputs and listed ops in float32',
  options: float16OptionsSchema,
  async run(model, options) {
    const { model: m, report } = toFloat16(model, options);
    return { model: m, changed: report.initializers > 0 || report.casts > 0, stats: { ...report } };
  },
});

export const equalizeCrossLayerPass = definePass({
  name: 'equalize-cross-layer',
  summary:
    'data-free cross-layer equalization (Nagel et al. 2019) of consecutive Conv/Gemm layers, before quantize-static',
  options: equalizeOptionsSchema,
  async run(model, options) {
    const { model: m, pairs } = equalizeModel(model, options);
    return { model: m, changed: pairs.length > 0, stats: { pairs } };
  },
});

export const biasCorrectionPass = definePass({
  name: 'bias-correction',
  summary:
    'remove the mean output shift that int8 weight rounding will cause, using calibration data (before quantize-static)',
  options: biasCorrectionOptionsSchema,
  needs: ['data', 'runtime'],
  async run(model, options, ctx) {
    const data = ctx.dataset('calibration');
    const total = Math.min(options.calibrationSamples, data.size);
    const { model: m, corrected } = await biasCorrectModel(
      model,
      backendOf(ctx),
      datasetBatches(model, data, { batchSize: options.batchSize, limit: total }),
      options,
    );
    progressOf(ctx, total, 'bias correction').onProgress(total);
    return {
      model: m,
      changed: corrected.length > 0,
      stats: { layers: corrected.map((c) => ({ name: c.node, maxShift: c.maxShift })) },
    };
  },
});

export const quantizeAutoPass = definePass({
  name: 'quantize-auto',
  summary:
    'accuracy-aware mixed precision: int8 wherever the accuracy gate holds, the most sensitive layers stay float',
  options: autoOptionsSchema,
  needs: ['data', 'runtime'],
  async run(model, options, ctx) {
    const calib = ctx.dataset('calibration');
    const evalData = ctx.data.evaluation;
    const r = await quantizeAuto(
      model,
      backendOf(ctx),
      () => datasetBatches(model, calib, { batchSize: options.batchSize, limit: options.calibrationSamples }),
      evalData
        ? () => datasetBatches(model, evalData, { batchSize: options.batchSize, limit: options.evaluationSamples })
        : undefined,
      options,
      (done, total, what) => {
        ctx.progress.update(done, total, what);
        ctx.throwIfAborted();
      },
    );
    return {
      model: r.model,
      changed: r.layers.some((l) => l.precision === 'int8'),
      stats: {
        layers: r.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          sensitivity: l.sensitivity,
          precision: l.precision,
        })),
        ...(r.floatAccuracy !== undefined ? { floatAccuracy: r.floatAccuracy } : {}),
        ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
        relativeOutputError: r.relativeError,
        sensitivitySource: r.sensitivitySource,
      },
    };
  },
});
