// Choosing an activation range from a histogram: min-max, percentile, entropy (KL divergence,
// TensorRT style) and MSE-optimal. Each returns a range inside the observed [min, max].
import type { Histogram } from './histogram.js';
import type { Range } from './range.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy' | 'mse';

export interface MethodOptions {
  /** Percentile kept by 'percentile' (default 99.999). */
  percentile?: number;
  /**
   * Positive quantization levels available (127 for symmetric int8; 255 when the tensor is
   * non-negative and stored as uint8). Used by 'entropy' and 'mse'.
   */
  levels?: number;
}

export function rangeFromHistogram(h: Histogram, method: CalibrationMethod, opts: MethodOptions = {}): Range {
  if (h.total === 0) return { min: 0, max: 0 };
  const exact = { min: h.min, max: h.max };
  if (method === 'minmax' || h.limit === 0) return exact;
  const nonNegative = h.min >= 0;
  const levels = opts.levels ?? (nonNegative ? 255 : 127);
  let threshold: number;
  if (method === 'percentile') {
    const p = opts.percentile ?? 99.999;
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (nonNegative || h.max <= 0) threshold = absPercentile(h, p);
    else return signedPercentile(h, p);
  } else if (method === 'entropy') {
    threshold = entropyThreshold(h.absCounts(), h.binWidth, levels + 1);
  } else {
    threshold = mseThreshold(h.absCounts(), h.binWidth, levels);
  }
  return { min: Math.max(exact.min, -threshold), max: Math.min(exact.max, threshold) };
}

/** |x| below which `p` % of the values fall. */
export function absPercentile(h: Histogram, p: number): number {
  const abs = h.absCounts();
  const want = (h.total * p) / 100;
  let acc = 0;
  for (let i = 0; i < abs.length; i++) {
    acc += abs[i]!;
    if (acc >= want) return (i + 1) * h.binWidth;
  }
  return h.limit;
}

/** Range that drops (100 - p) / 2 % of the values from each tail. */
function signedPercentile(h: Histogram, p: number): Range {
  const tail = (h.total * (100 - p)) / 200;
  let acc = 0;
  let lo = 0;
  for (; lo < h.bins - 1; lo++) {
    if (acc + h.counts[lo]! > tail) break;
    acc += h.counts[lo]!;
  }
  acc = 0;
  let hi = h.bins - 1;
  for (; hi > 0; hi--) {
    if (acc + h.counts[hi]! > tail) break;
    acc += h.counts[hi]!;
  }
  return { min: Math.max(h.min, h.edge(lo)), max: Math.min(h.max, h.edge(hi + 1)) };
}

/**
 * TensorRT's entropy calibration: the clip threshold whose `levels`-bin quantized distribution Q
 * is closest (KL divergence) to the clipped reference P. `counts` are |x| bins of width `width`.
 */
export function entropyThreshold(histogram: Float64Array, width: number, levels = 128): number {
  // The bin at 0 holds the spike of exact zeros after ReLU. Merged with its neighbours in Q it
  // dominates the divergence and drags the threshold down to the smallest candidate; the zeros say
  // nothing about where to clip, so they are left out.
  const counts = Float64Array.from(histogram);
  counts[0] = 0;
  let last = counts.length;
  while (last > 0 && counts[last - 1] === 0) last--;
  if (last <= levels) return last * width;
  const p = new Float64Array(last);
  const q = new Float64Array(last);
  const merged = new Float64Array(levels);
  const nonZero = new Float64Array(levels);
  let bestI = last;
  let bestKl = Infinity;
  // Suffix sums give each candidate's outlier mass in O(1).
  const suffix = new Float64Array(counts.length + 1);
  for (let i = counts.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + counts[i]!;
  const step = Math.max(1, Math.floor((last - levels) / 512));
  for (let i = levels; i <= last; i += step) {
    merged.fill(0);
    nonZero.fill(0);
    for (let j = 0; j < i; j++) {
      p[j] = counts[j]!;
      const k = Math.floor((j * levels) / i);
      merged[k]! += counts[j]!;
      if (counts[j]! !== 0) nonZero[k]!++;
    }
    p[i - 1]! += suffix[i]!;
    let sumP = 0;
    let sumQ = 0;
    for (let j = 0; j < i; j++) {
      const k = Math.floor((j * levels) / i);
      q[j] = counts[j]! !== 0 ? merged[k]! / nonZero[k]! : 0;
      sumP += p[j]!;
      sumQ += q[j]!;
    }
    let kl = 0;
    for (let j = 0; j < i; j++) {
      const pj = p[j]! / sumP;
      if (pj === 0) continue;
      // Q is zero where P has only outlier mass (the last bin); a small floor keeps KL finite.
      const qj = Math.max(q[j]! / sumQ, 1e-12);
      kl += pj * Math.log(pj / qj);
    }
    if (kl < bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return bestI * width;
}

/** Threshold minimizing the expected squared error of clip + round with `levels` positive levels. */
export function mseThreshold(counts: Float64Array, width: number, levels = 127): number {
  let last = counts.length;
  while (last > 0 && counts[last - 1] === 0) last--;
  if (last === 0) return 0;
  const start = Math.max(1, Math.floor(last / 16));
  const step = Math.max(1, Math.floor((last - start) / 256));
  let best = last;
  let bestErr = Infinity;
  for (let i = start; i <= last; i += step) {
    const t = i * width;
    const s = t / levels;
    let err = 0;
    for (let j = 0; j < last; j++) {
      const n = counts[j]!;
      if (n === 0) continue;
      const c = (j + 0.5) * width;
      if (c >= t) {
        err += n * (c - t) * (c - t);
      } else {
        const d = c - Math.round(c / s) * s;
        // Values spread inside the bin: add the rounding noise of a uniform spread when the step is coarser.
        err += n * (s > width ? (s * s) / 12 : d * d);
      }
    }
    if (err < bestErr) {
      bestErr = err;
      best = i;
    }
  }
  return best * width;
}
