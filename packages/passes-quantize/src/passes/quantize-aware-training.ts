// quantize-aware-training as a plain function: quantize-static's QDQ model, fine-tuned through
// fake quantization (straight-through estimator, Krishnamoorthi 2018 §3), then written back as
// the very graph quantize-static writes (QDQ or QOperator) with retrained integer weights.
// Scales and zero points stay those of calibration: activations per tensor, weights per channel.
import { checkModel, eliminateDeadCode, integerRange, type Model, type Tensor, type Value } from '@enxuto/ir';
import { definePass, type InferenceBackend } from '@enxuto/pass';
import {
  distillationLoss,
  withHeldOut,
  logitsOutput,
  modelTeacher,
  train,
  type BatchSource,
  type TrainResult,
} from '@enxuto/train';
import { z } from 'zod';
import { contextCalibration } from '../calibrate/batches.js';
import { backendOf, progressOf } from '../calibrate/context.js';
import type { CalibrationBatch } from '../calibrate/session.js';
import { compactNames } from '../graph/compact.js';
import { restoreQuantized, toFakeQuant, type GridOf } from '../graph/fake-quant.js';
import type { QdqReport } from '../graph/insert-qdq.js';
import { qdqToQOperator } from '../graph/to-qoperator.js';
import { quantRange } from '../kernels/params.js';
import { quantizeStatic, staticOptionsSchema, type StaticOptions } from './quantize-static.js';

export const qatOptionsSchema = staticOptionsSchema.extend({
  epochs: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(10)
    .describe(
      'most fine-tuning epochs through the fake-quantized model (fewer when the held-out loss stops improving)',
    ),
  patience: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(2)
    .describe('epochs without a lower held-out loss before training stops'),
  validation: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe(
      'share of the training data held out to stop early and to keep the post-training-quantized weights when no epoch beats them (0: every epoch runs)',
    ),
  lr: z
    .number()
    .positive()
    .default(0.001)
    .describe(
      'Adam learning rate in quantization steps (each weight is trained as w / scale, starting from the float weight), cosine decay over the run; a run that ends worse on held-out data keeps the post-training-quantized weights',
    ),
  trainBatchSize: z.number().int().min(1).max(65536).default(64).describe('training samples per step'),
  keepZeros: z.boolean().default(true).describe('weights that are exactly zero in the input model (pruned) stay zero'),
});
export type QatOptions = z.output<typeof qatOptionsSchema>;

export interface QatResult {
  model: Model;
  qdq: QdqReport;
  /** Integer constants that were retrained (weights, biases, quantized operands). */
  retrained: number;
  training: TrainResult;
  converted?: Record<string, number>;
}

/** Weights read by a compute op use quantize-static's weight grid; other constants their dtype's range. */
function weightGrid(o: StaticOptions): GridOf {
  return (dq, dtype) => {
    const y = dq.outputs[0]!;
    const isWeight = y.uses().some((u) => u.index === 1 && o.ops.includes(u.node.opType));
    if (isWeight && dtype === o.weightType) return quantRange(o.weightType, o.weightSymmetric, o.weightBits);
    const r = integerRange(dtype);
    return { qmin: r.min, qmax: r.max };
  };
}

export async function quantizeAwareTraining(
  model: Model,
  backend: InferenceBackend,
  calibration: Iterable<CalibrationBatch>,
  training: BatchSource,
  options: Partial<QatOptions> = {},
  extra: {
    seed?: number;
    signal?: AbortSignal;
    onProgress?: (n: number) => void;
    onEpoch?: (epoch: number, loss: number, valLoss?: number) => void;
  } = {},
): Promise<QatResult> {
  const o = qatOptionsSchema.parse(options);
  const staticOptions = Object.fromEntries(
    Object.entries(o).filter(([k]) => k in staticOptionsSchema.shape),
  ) as Partial<StaticOptions>;
  const floats = new Map<Value, Tensor>();
  const ptq = await quantizeStatic(
    model,
    backend,
    calibration,
    { ...staticOptions, format: 'qdq', compactNames: false },
    { ...extra, onWeight: (q, w) => floats.set(q, w) },
  );
  const m = ptq.model;
  const fake = toFakeQuant(m, weightGrid(o), (q) => floats.get(q));
  const masks = new Map<string, Uint8Array>();
  if (o.keepZeros) {
    for (const f of fake) {
      const w = floats.get(f.quantized)?.toFloat32();
      // Pruned weights (exact zeros in the float model) stay zero.
      if (w?.includes(0))
        masks.set(
          f.float.name,
          Uint8Array.from(w, (v) => (v !== 0 ? 1 : 0)),
        );
    }
  }
  const seed = extra.seed ?? 0;
  const teacher = modelTeacher(model);
  // Self-distillation from the float model: labels are not needed, and the loss measures what
  // quantization changed whatever the scale of the logits.
  const loss = distillationLoss({ teacherLogits: (b) => teacher.logits(b), temperature: 'auto', alpha: 1 });
  try {
    const result = await train(m, {
      // A run that ends worse on held-out data keeps the post-training-quantized weights.
      ...withHeldOut(training, { validation: o.validation, patience: o.patience, seed, baseline: true }),
      loss,
      validationLoss: loss,
      output: logitsOutput(m),
      epochs: o.epochs,
      batchSize: o.trainBatchSize,
      seed,
      lr: o.epochs > 1 ? { type: 'cosine', lr: o.lr, minLr: o.lr * 0.05 } : o.lr,
      optimizer: { type: 'adam' },
      trainable: fake.map((f) => f.float.name),
      masks,
      ...(extra.signal ? { signal: extra.signal } : {}),
      onProgress: (p) => {
        if (p.phase === 'epoch') extra.onEpoch?.(p.epoch, p.loss, p.stats?.valLoss);
      },
    });
    restoreQuantized(m.graph, fake);
    let converted: Record<string, number> | undefined;
    if (o.format === 'qoperator') converted = qdqToQOperator(m).converted;
    else eliminateDeadCode(m);
    if (o.compactNames) compactNames(m, { unnamedOps: ['QuantizeLinear', 'DequantizeLinear'] });
    checkModel(m);
    return { model: m, qdq: ptq.qdq, retrained: fake.length, training: result, ...(converted ? { converted } : {}) };
  } finally {
    teacher.dispose();
  }
}

export const quantizeAwareTrainingPass = definePass({
  name: 'quantize-aware-training',
  summary:
    "quantize-static's model fine-tuned through fake quantization (straight-through gradients, distilled from the float model): wins back what post-training quantization loses, down to 3-4-bit weights",
  options: qatOptionsSchema,
  needs: ['data', 'runtime', 'training'],
  inPlace: false,
  async run(model, options, ctx) {
    const { batches, total } = contextCalibration(model, ctx, options);
    const r = await quantizeAwareTraining(model, backendOf(ctx), batches, ctx.dataset('training'), options, {
      ...progressOf(ctx, total, 'calibrating'),
      seed: ctx.seed,
      onEpoch: (epoch, loss, valLoss) => {
        ctx.progress.update(epoch + 1, options.epochs, `loss ${loss.toPrecision(4)}`);
        ctx.logger.info(
          `quantize-aware-training epoch ${epoch + 1}/${options.epochs}: distillation loss ${loss.toPrecision(4)}${valLoss !== undefined ? `, held out ${valLoss.toPrecision(4)}` : ''}`,
        );
      },
    });
    const best = r.training.bestEpoch;
    if (best === -1) ctx.logger.warn('no training epoch beat post-training quantization: its weights are kept');
    return {
      model: r.model,
      changed: r.qdq.layers.length > 0,
      stats: {
        layers: r.qdq.layers.map((l) => ({
          name: l.node,
          opType: l.opType,
          precision: `int${options.weightBits}-weights`,
        })),
        activations: r.qdq.activations,
        retrained: r.retrained,
        epochs: r.training.history.length,
        ...(best !== undefined ? { bestEpoch: best + 1 } : {}),
        format: options.format,
        weightBits: options.weightBits,
        ...(r.converted ? { converted: r.converted } : {}),
      },
    };
  },
});
