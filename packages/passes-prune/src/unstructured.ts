// The engine behind prune-magnitude and prune-obd: score, select, mask; optionally in several
// steps of a polynomial schedule with fine-tuning (and distillation) between them.
import { cloneModel, type Model } from '@enxuto/ir';
import type { Dataset, PassContext, PassResult } from '@enxuto/pass';
import { z } from 'zod';
import { polynomialSteps } from './kernels/schedule.js';
import { applyLayerMask, layerSparsity, sparsityTotals } from './graph/apply-masks.js';
import { findPrunableLayers, type PrunableLayer } from './graph/layers.js';
import { selectMasks, type SelectionOptions } from './selection.js';
import {
  createTeacher,
  distillSchema,
  finetune,
  finetuneSchema,
  type DistillOptions,
  type FinetuneOptions,
} from './training/finetune.js';

export const scheduleSchema = z
  .strictObject({
    type: z.literal('polynomial').describe('Zhu & Gupta 2017: s_t = s_f + (s_i - s_f)(1 - t/n)^e'),
    from: z.number().min(0).max(1).default(0).describe('initial sparsity s_i'),
    to: z.number().min(0).max(1).optional().describe('final sparsity s_f (default: `sparsity`)'),
    steps: z.number().int().min(1).max(1000).default(5).describe('pruning steps n; fine-tuning runs after each'),
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
  const data: Dataset | undefined = o.finetune && o.finetune.epochs > 0 ? ctx.dataset('training') : undefined;
  const teacher = data && o.distill ? createTeacher(cloneModel(model)) : undefined;
  const history: { step: number; sparsity: number; loss?: number; accuracy?: number }[] = [];
  try {
    for (let step = 0; step < steps.length; step++) {
      ctx.throwIfAborted();
      ctx.progress.update(step, steps.length, `pruning to ${(steps[step]! * 100).toFixed(1)} %`);
      const scores = await score(model, layers);
      // Per-layer overrides follow the schedule too: each reaches its own target at the last step.
      const progress = final > 0 ? steps[step]! / final : 1;
      const overrides = Object.fromEntries(Object.entries(o.overrides).map(([p, v]) => [p, v * progress]));
      const masks = selectMasks(layers, scores, { ...o, overrides, sparsity: steps[step]! });
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
      if (data && o.finetune) {
        const r = await finetune(model, {
          data,
          masks: byWeight,
          options: o.finetune,
          seed: ctx.seed + step,
          ...(teacher ? { teacher } : {}),
          ...(o.distill ? { distill: o.distill } : {}),
          signal: ctx.signal,
        });
        const last = r.history.at(-1);
        if (last) {
          entry.loss = last.loss;
          if (last.accuracy !== undefined) entry.accuracy = last.accuracy;
        }
      }
      history.push(entry);
      ctx.logger.info(`step ${step + 1}/${steps.length}: sparsity ${(entry.sparsity * 100).toFixed(1)} %`);
    }
  } finally {
    teacher?.dispose();
  }
  const perLayer = layers.map(layerSparsity);
  const totals = sparsityTotals(perLayer);
  if (
    o.scope === 'global' &&
    Object.keys(o.overrides).length === 0 &&
    o.exclude.length === 0 &&
    totals.sparsity < final - 0.005
  ) {
    ctx.logger.warn(
      `reached ${(totals.sparsity * 100).toFixed(1)} % overall for a target of ${(final * 100).toFixed(1)} %: the first/last layers ` +
        `are pruned less (firstLayer ${o.firstLayer}, lastLayer ${o.lastLayer}); set them to 1 to include them in the shared threshold`,
    );
  }
  return {
    model,
    changed: totals.nonZero !== before.nonZero || data !== undefined,
    stats: { layers: perLayer, ...totals, denseNonZero: before.nonZero, steps: history },
  };
}
