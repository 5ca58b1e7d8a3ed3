// Which weights each layer loses: the selection options shared by magnitude and OBD pruning,
// and the function that turns per-weight scores into masks under them.
import { z } from 'zod';
import { ConfigError } from '@enxuto/ir';
import { globalMasks, layerMask } from './kernels/masks.js';
import { matchesPattern, PRUNABLE_OPS, type PrunableLayer } from './graph/layers.js';

const sparsity = z.number().min(0).max(1);

export const selectionOptions = {
  sparsity: sparsity.default(0.5).describe('fraction of the selected weights set to zero'),
  scope: z
    .enum(['global', 'layer'])
    .default('global')
    .describe(
      'global: one threshold over all layers (scores compared across layers); layer: each layer loses `sparsity` of its own weights',
    ),
  firstLayer: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'the first layer is pruned on its own at this fraction of `sparsity` (it sees raw inputs); 1 = no special rule (in global scope: joins the shared threshold), 0 = left dense',
    ),
  lastLayer: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'the last layer is pruned on its own at this fraction of `sparsity` (few, important weights); 1 = no special rule, 0 = left dense',
    ),
  overrides: z
    .record(z.string(), sparsity)
    .default({})
    .describe(
      'layer name or weight name pattern (`*` wildcard) -> its own sparsity; wins over scope and first/last rules',
    ),
  exclude: z.array(z.string()).default([]).describe('layer or weight name patterns (`*` wildcard) left dense'),
  ops: z
    .array(z.enum(PRUNABLE_OPS as unknown as ['Conv', 'Gemm', 'MatMul']))
    .default([...PRUNABLE_OPS])
    .describe('op types whose weights are pruned'),
};

export const selectionSchema = z.strictObject(selectionOptions);
export type SelectionOptions = z.output<typeof selectionSchema>;

/** Target sparsity (or cap, in global scope) of each layer; undefined = excluded. */
export interface LayerTarget {
  sparsity: number;
  /** An override: this layer is pruned on its own. */
  fixed: boolean;
  /** A first/last layer whose sparsity is capped (in global scope). */
  capped: boolean;
}

export function layerTargets(layers: readonly PrunableLayer[], o: SelectionOptions): (LayerTarget | undefined)[] {
  return layers.map((layer, i) => {
    if (o.exclude.some((p) => matchesPattern(layer, p))) return undefined;
    const override = Object.entries(o.overrides).find(([p]) => matchesPattern(layer, p));
    if (override) return { sparsity: override[1], fixed: true, capped: false };
    let factor = 1;
    if (i === 0 && layers.length > 1) factor = Math.min(factor, o.firstLayer);
    if (i === layers.length - 1 && layers.length > 1) factor = Math.min(factor, o.lastLayer);
    return { sparsity: o.sparsity * factor, fixed: false, capped: factor < 1 };
  });
}

/**
 * Masks (1 keep, 0 prune) per layer from per-weight scores; undefined for layers left alone.
 * Global scope: layers without an override or first/last rule share one threshold chosen so that
 * they lose `sparsity` of their weights together; the first/last layers lose sparsity × factor.
 */
export function selectMasks(
  layers: readonly PrunableLayer[],
  scores: readonly ArrayLike<number>[],
  o: SelectionOptions,
): (Uint8Array | undefined)[] {
  if (scores.length !== layers.length)
    throw new ConfigError('one score array per layer', { code: 'prune/internal', field: 'scores' });
  const targets = layerTargets(layers, o);
  const masks: (Uint8Array | undefined)[] = layers.map(() => undefined);
  const pool: number[] = [];
  targets.forEach((t, i) => {
    if (!t) return;
    // Capped first/last layers are pruned on their own: letting the pool make up their share
    // would push the other layers towards 100 % (a dead layer) when the edges are large.
    if (o.scope === 'layer' || t.fixed || t.capped) masks[i] = layerMask(scores[i]!, t.sparsity);
    else pool.push(i);
  });
  if (pool.length > 0) {
    const poolMasks = globalMasks(
      pool.map((i) => ({ scores: scores[i]! })),
      o.sparsity,
    );
    pool.forEach((i, k) => (masks[i] = poolMasks[k]));
  }
  return masks;
}
