// Per-layer sparsity from a prune sensitivity file (each layer pruned alone at a few levels, the
// accuracy each level cost): the levels that reach the overall target sparsity at the least total
// drop. Greedy by marginal cost: the next step is always the cheapest drop per pruned weight over
// every layer and every higher level it measured; the last step stops part way so the target is
// met exactly.
import { ConfigError } from '@enxuto/ir';
import { sensitivityLayer, type SensitivityFile } from '@enxuto/pass';
import type { PrunableLayer } from './graph/layers.js';

export interface MeasuredLayer {
  parameters: number;
  /** Levels tried (sparsity) and what each cost (null: the trial failed, never chosen). */
  levels: readonly { sparsity: number; drop: number | null }[];
}

/** Sparsity per layer so that `target` of all their weights are pruned at the least summed drop. */
export function chooseSparsities(layers: readonly MeasuredLayer[], target: number): number[] {
  const total = layers.reduce((s, l) => s + l.parameters, 0);
  const goal = target * total;
  const levels = layers.map((l) =>
    l.levels
      .filter((v): v is { sparsity: number; drop: number } => v.drop !== null && v.sparsity > 0)
      .map((v) => ({ sparsity: v.sparsity, drop: Math.max(0, v.drop) }))
      .sort((a, b) => a.sparsity - b.sparsity),
  );
  const at = layers.map(() => ({ sparsity: 0, drop: 0 }));
  let pruned = 0;
  while (pruned < goal - 1e-9) {
    let best: { layer: number; sparsity: number; drop: number; cost: number } | undefined;
    layers.forEach((l, i) => {
      for (const v of levels[i]!) {
        if (v.sparsity <= at[i]!.sparsity) continue;
        const cost = (v.drop - at[i]!.drop) / (l.parameters * (v.sparsity - at[i]!.sparsity) || 1);
        if (!best || cost < best.cost) best = { layer: i, ...v, cost };
      }
    });
    if (!best) {
      throw new ConfigError(
        `the sensitivity file's levels reach at most ${((pruned / total) * 100).toFixed(1)} % overall, below the target ${(target * 100).toFixed(1)} %`,
        { code: 'sensitivity/target-unreachable', field: 'sparsity' },
      );
    }
    const b: { layer: number; sparsity: number; drop: number } = best;
    const n = layers[b.layer]!.parameters;
    const from = at[b.layer]!.sparsity;
    const gain = n * (b.sparsity - from);
    if (pruned + gain > goal) {
      // Part of the step: just enough weights of this layer to meet the target.
      at[b.layer] = { sparsity: from + (goal - pruned) / n, drop: b.drop };
      break;
    }
    at[b.layer] = { sparsity: b.sparsity, drop: b.drop };
    pruned += gain;
  }
  return at.map((a) => a.sparsity);
}

/**
 * prune-magnitude's overrides (weight name -> sparsity) for `layers` from a sensitivity file: every
 * layer must be in it (matched by node, output or weight name), or the file is of another model.
 */
export function overridesFromSensitivity(
  file: SensitivityFile,
  layers: readonly PrunableLayer[],
  target: number,
): Record<string, number> {
  const measured = layers.map((l) => {
    const entry = sensitivityLayer(file, [l.node.name, l.node.outputs[0]?.name, l.weight.name]);
    if (!entry) {
      throw new ConfigError(`layer ${l.name} (weight ${l.weight.name}) is not in the sensitivity file`, {
        code: 'sensitivity/layer-missing',
        node: l.node.name,
        field: 'sensitivity',
      });
    }
    return {
      parameters: l.weight.const!.size,
      levels: entry.results.map((r) => ({ sparsity: r.sparsity ?? 0, drop: r.drop })),
    };
  });
  const chosen = chooseSparsities(measured, target);
  return Object.fromEntries(layers.map((l, i) => [l.weight.name, chosen[i]!]));
}
