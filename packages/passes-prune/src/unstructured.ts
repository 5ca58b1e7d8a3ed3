// The engine behind prune-magnitude and prune-obd: score, select, mask; optionally in several
// steps of a polynomial schedule with fine-tuning (and distillation) between them.
import { cloneModel, type Model } from '@enxuto/ir';
import type { PassContext, PassResult } from '@enxuto/pass';
import { modelTeacher, type BatchSource } from '@enxuto/train';
import { z } from 'zod';
import { polynomialSteps } from './kernels/schedule.js';
import { applyLayerMask, layerSparsity, sparsityTotals } from './graph/apply-masks.js';
import { findPrunableLayers, type PrunableLayer } from './graph/layers.js';
import { planSparsity, selectMasks, type SelectionOptions } from './selection.js';
import {
  distillSchema,
  finetune,
  finetuneData,
  finetuneSchema,
  type DistillOptions,
  type FinetuneOptions,
} from './training/finetune.js';

export const scheduleSchema = z
  .strictObject({
    type: z.literal('polynomial').describe('Zhu & Gupta 2017: s_t = s_f + (s_i - s_f)(1 - t/n)^e'),
    from: z.number().min(0).max(1).default(0).describe('initial sparsity s_i'),
    to: z.number().min(0).max(1).optional().describe('final sparsity s_f (default: `sparsity`)'),
    steps: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe(
        'pruning steps n; fine-tuning (default options unless `finetune` says otherwise) runs after each when a `training` dataset is given, as it does after a one-shot prune',
      ),
    exponent: z.number().positive().default(3).describe('e'),
  })
  .describe('gradual pruning: several pruning steps with fine-tuning between them');

export const trainingOptions = {
  schedule: scheduleSchema.optional(),
  finetune: finetuneSchema.optional(),
  distill: distillSchema.optional(),
};

export interface UnstructuredOptions extends SelectionOptions {
  schedule?: z.output<typeof scheduleSchema> | undefined;
  finetune?: FinetuneOptions | undefined;
  distill?: DistillOptions | undefined;
}

/** Per-weight scores for every layer, computed on the model as it is now. */
export type ScoreFn = (model: Model, layers: readonly PrunableLayer[]) => Promise<Float32Array[]>;

export async function runUnstructured(
  model: Model,
  o: UnstructuredOptions,
  ctx: PassContext,
  score: ScoreFn,
): Promise<PassResult> {
  const layers = findPrunableLayers(model.graph, o.ops);
  if (layers.length === 0) {
    ctx.logger.warn('no Conv/Gemm/MatMul layer with a float32 constant weight: nothing to prune');
    return { model, changed: false, stats: { layers: [] } };
  }
  const before = sparsityTotals(layers.map(layerSparsity));
  const final = o.schedule?.to ?? o.sparsity;
  const steps = o.schedule ? polynomialSteps({ ...o.schedule, to: final }) : [final];
  const plan = planSparsity(layers, { ...o, sparsity: final });
  for (const e of plan.edges) {
    if (e.protected) ctx.logger.info(`${e.edge} layer ${e.layer}: pruned at ${e.factor} x sparsity on its own`);
    else ctx.logger.warn(`${e.edge}-layer rule (factor ${e.factor}) dropped for ${e.layer}: ${e.reason}`);
  }
  // Training data means fine-tuning (after each step of a schedule, or after a one-shot prune):
  // with default options when none are given.
  const ft = o.finetune ?? (ctx.data.training ? finetuneSchema.parse({}) : undefined);
  const trains = ft !== undefined && (ft.epochs > 0 || ft.finalEpochs > 0);
  let data: BatchSource | undefined;
  let validation: BatchSource | undefined;
  if (trains) ({ data, validation } = finetuneData(ctx, ft));
  else if (o.schedule && !ctx.data.training) {
    ctx.logger.warn('no training dataset: the schedule prunes in steps without fine-tuning between them');
  }
  const teacher = data && o.distill ? modelTeacher(cloneModel(model)) : undefined;
  const history: {
    step: number;
    sparsity: number;
    epochs?: number;
    loss?: number;
    accuracy?: number;
    valLoss?: number;
    valAccuracy?: number;
  }[] = [];
  try {
    for (let step = 0; step < steps.length; step++) {
      ctx.throwIfAborted();
      ctx.progress.update(step, steps.length, `pruning to ${(steps[step]! * 100).toFixed(1)} %`);
      const scores = await score(model, layers);
      // Per-layer overrides follow the schedule too: each reaches its own target at the last step.
      const progress = final > 0 ? steps[step]! / final : 1;
      const overrides = Object.fromEntries(Object.entries(o.overrides).map(([p, v]) => [p, v * progress]));
      const masks = selectMasks(layers, scores, { ...o, overrides, sparsity: steps[step]! }, final);
      const byWeight = new Map<string, Uint8Array>();
      layers.forEach((layer, i) => {
        const m = masks[i];
        if (!m) return;
        // Weights pruned in earlier steps stay pruned even when a score ties them with survivors.
        const w = layer.weight.const!.toFloat32();
        for (let k = 0; k < m.length; k++) if (w[k] === 0) m[k] = 0;
        applyLayerMask(model.graph, layer, m);
        byWeight.set(layer.weight.name, m);
      });
      const entry: (typeof history)[number] = {
        step: step + 1,
        sparsity: sparsityTotals(layers.map(layerSparsity)).sparsity,
      };
      const epochs = ft ? (step === steps.length - 1 ? ft.finalEpochs : ft.epochs) : 0;
      if (data && ft && epochs > 0) {
        const r = await finetune(model, {
          data,
          ...(validation ? { validation } : {}),
          masks: byWeight,
          options: ft,
          epochs,
          seed: ctx.seed + step,
          ...(teacher ? { teacher } : {}),
          ...(o.distill ? { distill: o.distill } : {}),
          signal: ctx.signal,
        });
        entry.epochs = r.history.length;
        const last = r.bestEpoch !== undefined ? r.history[r.bestEpoch] : r.history.at(-1);
        if (last) {
          entry.loss = last.loss;
          if (last.accuracy !== undefined) entry.accuracy = last.accuracy;
          if (last.valLoss !== undefined) entry.valLoss = last.valLoss;
          if (last.valAccuracy !== undefined) entry.valAccuracy = last.valAccuracy;
        }
        if (r.bestEpoch === -1)
          ctx.logger.warn(`step ${step + 1}: no fine-tuning epoch beat the pruned weights; kept them`);
      }
      history.push(entry);
      const val =
        entry.valAccuracy !== undefined ? `, held-out accuracy ${(entry.valAccuracy * 100).toFixed(2)} %` : '';
      const ep = entry.epochs !== undefined ? `, ${entry.epochs} fine-tuning epochs` : '';
      ctx.logger.info(`step ${step + 1}/${steps.length}: sparsity ${(entry.sparsity * 100).toFixed(1)} %${ep}${val}`);
    }
  } finally {
    teacher?.dispose();
  }
  const perLayer = layers.map(layerSparsity);
  const totals = sparsityTotals(perLayer);
  return {
    model,
    changed: totals.nonZero !== before.nonZero || data !== undefined,
    stats: { layers: perLayer, ...totals, denseNonZero: before.nonZero, edgeRule: plan.edges, steps: history },
  };
}
