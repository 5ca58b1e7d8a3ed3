// prune-channels: structured pruning that removes whole Conv filters / Gemm-MatMul neurons and
// rewrites every consumer, so the written model has smaller tensors and fewer FLOPs.
import { cloneModel, countParameters, type Model } from '@enxuto/ir';
import { definePass, findWeights, materializeWeight, type PassContext } from '@enxuto/pass';
import { z } from 'zod';
import { channelNorms, channelSums, keepHighest } from '../kernels/channel-scores.js';
import { obdSaliency } from '../kernels/obd.js';
import { analyzeChannels, blockSubgraphUses, find, type ChannelAnalysis } from '../graph/channel-analysis.js';
import { rewriteChannels } from '../graph/channel-rewrite.js';
import { countFlops } from '../graph/flops.js';
import { PRUNABLE_OPS } from '../graph/layers.js';
import { fisherDiagonal } from '../training/hessian.js';
import { distillSchema, finetune, finetuneData, finetuneSchema } from '../training/finetune.js';
import { modelTeacher } from '@enxuto/train';

export const pruneChannelsOptions = z.strictObject({
  ratio: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('fraction of the output channels removed from each prunable layer (group)'),
  criterion: z
    .enum(['l1', 'l2', 'bn-scale', 'obd'])
    .default('l1')
    .describe(
      'channel importance: filter norm, |gamma| of the following BatchNormalization, or summed OBD saliency (needs data)',
    ),
  overrides: z
    .record(z.string(), z.number().min(0).max(1))
    .default({})
    .describe('layer name pattern (`*` wildcard) -> its own ratio'),
  exclude: z.array(z.string()).default([]).describe('layer name patterns (`*` wildcard) left whole'),
  minChannels: z.number().int().min(1).default(1).describe('never keep fewer channels than this'),
  roundTo: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('round kept channel counts up to a multiple of this (SIMD-friendly widths)'),
  samples: z.number().int().min(1).default(256).describe('samples for the OBD criterion'),
  finetune: finetuneSchema.optional(),
  distill: distillSchema.optional(),
});
export type PruneChannelsOptions = z.output<typeof pruneChannelsOptions>;

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Per-producer channel scores by the chosen criterion, each normalised to sum 1. */
function channelScores(model: Model, a: ChannelAnalysis, o: PruneChannelsOptions, ctx: PassContext): Float64Array[] {
  let hessian: Map<string, Float32Array> | undefined;
  if (o.criterion === 'obd') {
    const names = [...new Set(a.producers.map((p) => p.weight.name))];
    hessian = fisherDiagonal(model, names, ctx.data.calibration ?? ctx.dataset('training'), {
      samples: o.samples,
      microBatch: 1,
      seed: ctx.seed,
      signal: ctx.signal,
    });
  }
  return a.producers.map((p) => {
    const w = p.weight.const!.toFloat32();
    const shape = [...p.weight.const!.shape];
    let s: Float64Array;
    if (o.criterion === 'bn-scale' && p.bn) {
      s = Float64Array.from(p.bn.input(1)!.const!.toFloat32(), Math.abs);
    } else if (o.criterion === 'obd' && hessian) {
      s = channelSums(obdSaliency(w, hessian.get(p.weight.name)!), shape, p.outAxis);
    } else {
      s = channelNorms(w, shape, p.outAxis, o.criterion === 'l2' ? 'l2' : 'l1');
    }
    const total = s.reduce((x, y) => x + y, 0);
    return total > 0 ? s.map((x) => x / total) : s;
  });
}

/** Channels each producer keeps: union groups share one choice from their summed scores. */
export function chooseChannels(
  a: ChannelAnalysis,
  scores: readonly Float64Array[],
  o: PruneChannelsOptions,
): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  a.producers.forEach((_, i) => {
    const r = find(a.parent, i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  const keep = new Map<number, number[]>();
  for (const members of groups.values()) {
    if (members.some((m) => a.blocked.has(m))) continue;
    const names = members.map((m) => a.producers[m]!.node.name || a.producers[m]!.weight.name);
    if (names.some((n) => o.exclude.some((p) => glob(p).test(n)))) continue;
    const channels = a.producers[members[0]!]!.channels;
    if (members.some((m) => a.producers[m]!.channels !== channels)) continue;
    const override = Object.entries(o.overrides).find(([p]) => names.some((n) => glob(p).test(n)));
    const ratio = override ? override[1] : o.ratio;
    let count = Math.max(o.minChannels, channels - Math.round(channels * ratio));
    count = Math.min(channels, Math.ceil(count / o.roundTo) * o.roundTo);
    if (count >= channels) continue;
    const sum = new Float64Array(channels);
    for (const m of members) scores[m]!.forEach((v, c) => (sum[c]! += v));
    const kept = keepHighest(sum, count);
    for (const m of members) keep.set(m, kept);
  }
  return keep;
}

export const pruneChannels = definePass({
  name: 'prune-channels',
  summary: 'Remove whole Conv filters / Gemm neurons and rewrite their consumers: smaller tensors, fewer FLOPs, faster',
  options: pruneChannelsOptions,
  inPlace: true,
  async run(model, o, ctx) {
    const g = model.graph;
    const flopsBefore = countFlops(g);
    const paramsBefore = countParameters(model);
    // Removing channels always needs fine-tuning: with default options when training data is given.
    const ft = o.finetune ?? (ctx.data.training ? finetuneSchema.parse({}) : undefined);
    const teacher = ft && ft.finalEpochs > 0 && o.distill ? modelTeacher(cloneModel(model)) : undefined;
    // Channel surgery needs each weight as an initializer of its own: fold Reshape views into one.
    for (const ref of findWeights(g, { ops: PRUNABLE_OPS, views: ['Reshape'] })) materializeWeight(g, ref);
    const usedBefore = new Set(g.initializers().filter((v) => v.uses().length > 0));
    const a = analyzeChannels(g);
    blockSubgraphUses(g, a);
    a.reasons.forEach((why, id) => ctx.logger.debug(`left whole: ${a.producers[id]!.node.label()}: ${why}`));
    const keep = chooseChannels(a, channelScores(model, a, o, ctx), o);
    const layers = a.producers.map((p, i) => ({
      name: p.node.name || p.weight.name,
      channels: p.channels,
      kept: keep.get(i)?.length ?? p.channels,
      ...(a.blocked.has(i) ? { leftWhole: a.reasons.get(i) } : {}),
    }));
    rewriteChannels(g, a, keep);
    // Initializers no node reads any more (replaced shared weights) leave the model.
    for (const v of g.initializers())
      if (usedBefore.has(v) && v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput()) g.removeValue(v);
    let finetuneLoss: number | undefined;
    try {
      if (ft && ft.finalEpochs > 0 && keep.size > 0) {
        const r = await finetune(model, {
          ...finetuneData(ctx, ft),
          masks: new Map(),
          options: ft,
          epochs: ft.finalEpochs,
          seed: ctx.seed,
          ...(teacher ? { teacher } : {}),
          ...(o.distill ? { distill: o.distill } : {}),
          signal: ctx.signal,
        });
        finetuneLoss = (r.bestEpoch !== undefined ? r.history[r.bestEpoch] : r.history.at(-1))?.loss;
      }
    } finally {
      teacher?.dispose();
    }
    const flopsAfter = countFlops(g);
    const paramsAfter = countParameters(model);
    return {
      model,
      changed: keep.size > 0,
      stats: {
        layers,
        flopsBefore: flopsBefore.flops,
        flopsAfter: flopsAfter.flops,
        flopsRatio: flopsBefore.flops > 0 ? flopsAfter.flops / flopsBefore.flops : 1,
        parametersBefore: paramsBefore,
        parametersAfter: paramsAfter,
        ...(flopsBefore.unknown.length > 0 ? { flopsUnknown: flopsBefore.unknown } : {}),
        ...(finetuneLoss !== undefined ? { finetuneLoss } : {}),
      },
    };
  },
});
