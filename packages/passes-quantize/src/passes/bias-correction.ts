// bias-correction: removes the mean output shift int8 weight rounding will cause, measured on
// calibration data (before quantize-static). The plain function (biasCorrectModel) and the pass.
import { checkModel, cloneModel, RuntimeError, type Model, type Node } from '@enxuto/ir';
import { definePass, withOutputs, type InferenceBackend } from '@enxuto/pass';
import { z } from 'zod';
import { contextCalibration } from '../calibrate/batches.js';
import { backendOf, progressOf } from '../calibrate/context.js';
import type { CalibrationBatch } from '../calibrate/session.js';
import { ChannelMeans, correctableLayers, correctBiases, type BiasCorrection } from '../graph/bias-correction.js';
import { prepareFloat } from '../graph/prepare.js';

export const biasCorrectionOptionsSchema = z.strictObject({
  perChannel: z.boolean().default(true).describe('correct for per-channel weight quantization (match quantize-static)'),
  weightType: z.enum(['int8', 'uint8']).default('int8').describe('weight type quantize-static will use'),
  weightSymmetric: z.boolean().default(true).describe('symmetric weights, as quantize-static'),
  calibrationSamples: z
    .number()
    .int()
    .min(1)
    .default(256)
    .describe('samples used to estimate the mean input of each layer'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(32)
    .describe('batch size (a model with a fixed batch dim uses that)'),
});
export type BiasCorrectionOptions = z.output<typeof biasCorrectionOptionsSchema>;

export async function biasCorrectModel(
  model: Model,
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
  options: Partial<BiasCorrectionOptions> = {},
): Promise<{ model: Model; corrected: BiasCorrection[] }> {
  const o = biasCorrectionOptionsSchema.parse(options);
  const m = cloneModel(model);
  prepareFloat(m);
  const layers = correctableLayers(m.graph);
  const names = [...new Set(layers.map((n) => n.inputs[0]!.name))];
  const session = await backend.createSession(withOutputs(m, names));
  const acc = new Map(names.map((n) => [n, new ChannelMeans()]));
  try {
    for (const b of batches) {
      const out = await session.run(b.feeds);
      for (const name of names) {
        const t = out[name];
        if (!t)
          throw new RuntimeError(`the runtime did not return ${name}`, {
            code: 'quantize/missing-output',
            value: name,
          });
        acc.get(name)!.add(t.data as ArrayLike<number>, t.shape);
      }
    }
  } finally {
    await session.release();
  }
  const means = new Map<Node, Float64Array>();
  for (const n of layers) {
    const mean = acc.get(n.inputs[0]!.name)!.means();
    if (mean) means.set(n, mean);
  }
  const corrected = correctBiases(m.graph, layers, means, (n) => ({
    type: o.weightType,
    symmetric: o.weightSymmetric,
    axis: !o.perChannel ? undefined : n.opType === 'Conv' ? 0 : n.getInt('transB', 0) ? 0 : 1,
  }));
  checkModel(m);
  return { model: m, corrected };
}

export const biasCorrectionPass = definePass({
  name: 'bias-correction',
  summary:
    'remove the mean output shift that int8 weight rounding will cause, using calibration data (before quantize-static)',
  options: biasCorrectionOptionsSchema,
  needs: ['data', 'runtime'],
  inPlace: false,
  async run(model, options, ctx) {
    const { batches, total } = contextCalibration(model, ctx, options);
    const { model: m, corrected } = await biasCorrectModel(model, backendOf(ctx), batches, options);
    progressOf(ctx, total, 'bias correction').onProgress(total);
    return {
      model: m,
      changed: corrected.length > 0,
      stats: { layers: corrected.map((c) => ({ name: c.node, maxShift: c.maxShift })) },
    };
  },
});
