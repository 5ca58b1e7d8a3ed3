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
      'the first layer (it sees raw inputs) is pruned at this fraction of `sparsity` and the other layers make up the difference, so the model still reaches `sparsity`; when that would leave the others less than half the average share of weights (a first layer holding most weights, as in an MLP), the rule is dropped for it and the report says so. 1 = no special rule',
    ),
  lastLayer: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'the last layer (few, important weights) is pruned at this fraction of `sparsity`, the others making up the difference, under the same condition as `firstLayer`. 1 = no special rule',
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

/** How one layer is pruned; undefined = excluded. */
export interface LayerTarget {
  sparsity: number;
  /** Pruned on its own (an override or a protected first/last layer), not in the shared pool. */
  own: boolean;
}

/** What the first/last-layer rule did for one layer, for the report. */
export interface EdgeDecision {
  layer: string;
  edge: 'first' | 'last';
  /** True: pruned at `factor` x sparsity; false: the rule was dropped (the layer joined the pool). */
  protected: boolean;
  factor: number;
  reason?: string;
}

export interface SparsityPlan {
  targets: (LayerTarget | undefined)[];
  edges: EdgeDecision[];
}

/**
 * Per-layer targets such that the selected weights (all but excluded and overridden layers) lose
 * exactly `sparsity` together. First/last layers with a factor below 1 are pruned at factor x
 * sparsity and the pool of other layers prunes more to make up for them; smallest edge first,
 * an edge stays protected only if the pool then keeps at least half the average share of weights
 * (else protecting it would hollow out the rest of the network). Protection is decided at
 * `decideAt` (the schedule's final sparsity), so every step of a schedule prunes the same way.
 */
export function planSparsity(
  layers: readonly PrunableLayer[],
  o: SelectionOptions,
  decideAt: number = o.sparsity,
): SparsityPlan {
  const size = (i: number) => layers[i]!.weight.const!.size;
  const targets: (LayerTarget | undefined)[] = layers.map(() => undefined);
  const pool = new Set<number>();
  const candidates: { i: number; edge: 'first' | 'last'; factor: number }[] = [];
  layers.forEach((layer, i) => {
    if (o.exclude.some((p) => matchesPattern(layer, p))) return;
    const override = Object.entries(o.overrides).find(([p]) => matchesPattern(layer, p));
    if (override) {
      targets[i] = { sparsity: override[1], own: true };
      return;
    }
    pool.add(i);
    if (layers.length < 2) return;
    const edge = i === 0 ? 'first' : i === layers.length - 1 ? 'last' : undefined;
    const factor = i === 0 ? o.firstLayer : o.lastLayer;
    if (edge && factor < 1) candidates.push({ i, edge, factor });
  });
  const selected = [...pool].reduce((s, i) => s + size(i), 0);
  const poolRate = (s: number, protectedEdges: readonly { i: number; factor: number }[]) => {
    const rest = selected - protectedEdges.reduce((a, e) => a + size(e.i), 0);
    const owed = s * selected - protectedEdges.reduce((a, e) => a + e.factor * s * size(e.i), 0);
    return rest > 0 ? owed / rest : owed > 0 ? Infinity : 0;
  };
  const maxPool = 1 - (1 - decideAt) / 2;
  const kept: typeof candidates = [];
  const edges: EdgeDecision[] = [];
  for (const c of [...candidates].sort((a, b) => size(a.i) - size(b.i))) {
    const x = poolRate(decideAt, [...kept, c]);
    const name = layers[c.i]!.name;
    if (x <= maxPool + 1e-9) {
      kept.push(c);
      edges.push({ layer: name, edge: c.edge, protected: true, factor: c.factor });
    } else {
      const share = ((size(c.i) / selected) * 100).toFixed(0);
      edges.push({
        layer: name,
        edge: c.edge,
        protected: false,
        factor: c.factor,
        reason: `it holds ${share} % of the weights: pruning it at ${c.factor} x sparsity would leave the other layers at ${(Math.min(1, x) * 100).toFixed(1)} % sparsity`,
      });
    }
  }
  const x = Math.min(1, poolRate(o.sparsity, kept));
  for (const e of kept) {
    pool.delete(e.i);
    targets[e.i] = { sparsity: e.factor * o.sparsity, own: true };
  }
  for (const i of pool) targets[i] = { sparsity: x, own: false };
  return { targets, edges };
}

/**
 * Masks (1 keep, 0 prune) per layer from per-weight scores; undefined for layers left alone.
 * Layers pruned on their own (see planSparsity) get their own threshold; the pool shares one
 * threshold (global scope) or loses the same fraction per layer (layer scope).
 */
export function selectMasks(
  layers: readonly PrunableLayer[],
  scores: readonly ArrayLike<number>[],
  o: SelectionOptions,
  decideAt: number = o.sparsity,
): (Uint8Array | undefined)[] {
  if (scores.length !== layers.length)
    throw new ConfigError('one score array per layer', { code: 'prune/internal', field: 'scores' });
  const { targets } = planSparsity(layers, o, decideAt);
  const masks: (Uint8Array | undefined)[] = layers.map(() => undefined);
  const pool: number[] = [];
  targets.forEach((t, i) => {
    if (!t) return;
    if (o.scope === 'layer' || t.own) masks[i] = layerMask(scores[i]!, t.sparsity);
    else pool.push(i);
  });
  if (pool.length > 0) {
    const poolMasks = globalMasks(
      pool.map((i) => ({ scores: scores[i]! })),
      targets[pool[0]!]!.sparsity,
    );
    pool.forEach((i, k) => (masks[i] = poolMasks[k]));
  }
  return masks;
}
