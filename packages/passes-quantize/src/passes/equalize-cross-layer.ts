// equalize-cross-layer and bias-correction as plain functions (both run before quantize-static).
import { checkModel, cloneModel, RuntimeError, type Model, type Node } from '@enxuto/ir';
import { withOutputs } from '@enxuto/runtime';
import { z } from 'zod';
import type { CalibrationBatch, QuantBackend } from './calibrate/session.js';
import { ChannelMeans, correctableLayers, correctBiases, type BiasCorrection } from './graph/bias-correction.js';
import { equalizeCrossLayer, type EqualizePair } from './graph/equalize.js';
import {
  detachInitializerInputs,
  foldConstantReshapes,
  foldConvBiasAdds,
  foldMatMulAddToGemm,
} from './graph/prepare.js';

/** Semantics-preserving clean-up shared by both: constant weights, biases inside Conv/Gemm. */
function prepareFloat(m: Model): void {
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  foldConvBiasAdds(m.graph);
  foldMatMulAddToGemm(m.graph);
}

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
  backend: QuantBackend,
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
    await session.release?.();
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
