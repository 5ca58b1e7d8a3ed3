// Per-output-channel scores for structured pruning: the norm of each filter / neuron.

/** L1 or L2 norm of each slice along `axis` of a row-major tensor of `shape`. */
export function channelNorms(
  values: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  norm: 'l1' | 'l2',
): Float64Array {
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (len * inner);
  const out = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < len; c++) {
      const base = (o * len + c) * inner;
      for (let r = 0; r < inner; r++) {
        const v = values[base + r]!;
        out[c]! += norm === 'l1' ? Math.abs(v) : v * v;
      }
    }
  }
  if (norm === 'l2') for (let c = 0; c < len; c++) out[c] = Math.sqrt(out[c]!);
  return out;
}

/** Sum of per-entry scores (e.g. OBD saliency) over each slice along `axis`. */
export function channelSums(values: ArrayLike<number>, shape: readonly number[], axis: number): Float64Array {
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (len * inner);
  const out = new Float64Array(len);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < len; c++) for (let r = 0; r < inner; r++) out[c]! += values[(o * len + c) * inner + r]!;
  return out;
}

/** Keeps slices `keep` (sorted indices) along `axis`. */
export function sliceAxis(
  values: Float32Array,
  shape: readonly number[],
  axis: number,
  keep: readonly number[],
): Float32Array {
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (len * inner);
  const out = new Float32Array(outer * keep.length * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const c of keep) {
      const base = (o * len + c) * inner;
      out.set(values.subarray(base, base + inner), p);
      p += inner;
    }
  }
  return out;
}

/**
 * Which channels to keep: the `count` highest scores, returned in ascending index order
 * (ties keep the lower index).
 */
export function keepHighest(scores: ArrayLike<number>, count: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, Math.max(0, Math.min(count, scores.length))).sort((a, b) => a - b);
}
