// Unstructured mask selection from per-weight scores (|w| for magnitude, ½·h·w² for OBD):
// one threshold per layer, or one global threshold over every layer with per-layer caps.

/** Number of entries to zero for a sparsity in [0, 1] (rounded to nearest, never more than `count`). */
export function prunedCount(count: number, sparsity: number): number {
  return Math.min(count, Math.max(0, Math.round(count * sparsity)));
}

/**
 * Mask (1 keep, 0 prune) that zeros the `k` lowest scores. Ties break by index, so the result is
 * deterministic and exactly `k` entries are pruned.
 */
export function maskLowest(scores: ArrayLike<number>, k: number): Uint8Array {
  const n = scores.length;
  const mask = new Uint8Array(n).fill(1);
  if (k <= 0) return mask;
  if (k >= n) return mask.fill(0);
  const order = sortedOrder(scores);
  for (let i = 0; i < k; i++) mask[order[i]!] = 0;
  return mask;
}

/** Layer-wise: prune `sparsity` of the layer's own entries. */
export function layerMask(scores: ArrayLike<number>, sparsity: number): Uint8Array {
  return maskLowest(scores, prunedCount(scores.length, sparsity));
}

export interface GlobalLayer {
  scores: ArrayLike<number>;
  /** Highest sparsity this layer may reach (default 1). */
  maxSparsity?: number;
}

/**
 * Global: prunes `sparsity` of all entries together, lowest scores first across layers, but never
 * more than a layer's `maxSparsity` (the entries a capped layer cannot give go to the others).
 * Returns one mask per layer, in order.
 */
export function globalMasks(layers: readonly GlobalLayer[], sparsity: number): Uint8Array[] {
  const total = layers.reduce((s, l) => s + l.scores.length, 0);
  let target = prunedCount(total, sparsity);
  const masks = layers.map((l) => new Uint8Array(l.scores.length).fill(1));
  const caps = layers.map((l) => Math.floor(l.scores.length * Math.min(1, Math.max(0, l.maxSparsity ?? 1)) + 1e-9));
  const all = new Float64Array(total);
  const layerOf = new Int32Array(total);
  const indexOf = new Int32Array(total);
  let p = 0;
  layers.forEach((l, li) => {
    for (let i = 0; i < l.scores.length; i++, p++) {
      all[p] = l.scores[i]!;
      layerOf[p] = li;
      indexOf[p] = i;
    }
  });
  const pruned = new Int32Array(layers.length);
  for (const e of sortedOrder(all)) {
    if (target <= 0) break;
    const li = layerOf[e]!;
    if (pruned[li]! >= caps[li]!) continue;
    masks[li]![indexOf[e]!] = 0;
    pruned[li]!++;
    target--;
  }
  return masks;
}

/** Indices sorted by ascending score, ties by index (NaN sorts last: never pruned first). */
export function sortedOrder(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const key = (i: number) => {
    const s = scores[i]!;
    return Number.isNaN(s) ? Infinity : s;
  };
  return order.sort((a, b) => key(a) - key(b) || a - b);
}

/** Scores of plain magnitude pruning: |w|. */
export function magnitudeScores(weights: ArrayLike<number>): Float32Array {
  const out = new Float32Array(weights.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.abs(weights[i]!);
  return out;
}

/** Zeros the pruned entries (writes +0, never -0). */
export function applyMask(weights: Float32Array, mask: ArrayLike<number>): Float32Array {
  const out = new Float32Array(weights.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? weights[i]! : 0;
  return out;
}

export function countNonZero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}
