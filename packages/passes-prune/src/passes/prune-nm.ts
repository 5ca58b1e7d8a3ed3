// prune-nm: N:M semi-structured sparsity along the input dimension of each weight.
import { ConfigError } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { magnitudeScores } from '../kernels/masks.js';
import { nmMask } from '../kernels/nm.js';
import { applyLayerMask, layerSparsity, sparsityTotals } from '../graph/apply-masks.js';
import { findPrunableLayers, matchesPattern, PRUNABLE_OPS } from '../graph/layers.js';

export const pruneNmOptions = z.strictObject({
  n: z.number().int().min(0).default(2).describe('weights kept in each group'),
  m: z.number().int().min(1).max(1024).default(4).describe('group size, along the input dimension'),
  exclude: z.array(z.string()).default([]).describe('layer or weight name patterns (`*` wildcard) left dense'),
  skipFirst: z
    .boolean()
    .default(true)
    .describe('leave the first layer dense (few input channels; N:M groups would cut it hard)'),
  skipLast: z.boolean().default(false).describe('leave the last layer dense'),
  ops: z
    .array(z.enum(PRUNABLE_OPS as unknown as ['Conv', 'Gemm', 'MatMul']))
    .default([...PRUNABLE_OPS])
    .describe('op types whose weights are pruned'),
});

export const pruneNm = definePass({
  name: 'prune-nm',
  summary: 'N:M sparsity (e.g. 2:4): keep the N largest of every M consecutive weights along the input dimension',
  options: pruneNmOptions,
  inPlace: true,
  async run(model, o, ctx) {
    if (o.n > o.m) throw new ConfigError(`n (${o.n}) must not exceed m (${o.m})`, { code: 'prune/bad-nm', field: 'n' });
    const layers = findPrunableLayers(model.graph, o.ops);
    let changed = false;
    layers.forEach((layer, i) => {
      if (o.skipFirst && i === 0 && layers.length > 1) return;
      if (o.skipLast && i === layers.length - 1 && layers.length > 1) return;
      if (o.exclude.some((p) => matchesPattern(layer, p))) return;
      const w = layer.weight.const!.toFloat32();
      const mask = nmMask(magnitudeScores(w), layer.shape, layer.inputAxis, o.n, o.m);
      applyLayerMask(model.graph, layer, mask);
      changed = true;
      ctx.throwIfAborted();
    });
    const perLayer = layers.map(layerSparsity);
    return { model, changed, stats: { layers: perLayer, ...sparsityTotals(perLayer), pattern: `${o.n}:${o.m}` } };
  },
});
