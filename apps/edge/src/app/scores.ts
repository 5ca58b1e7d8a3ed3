// Turning a model's output into ranked classes, and comparing two models' outputs. Pure.

export interface Ranked {
  index: number;
  /** Probability (after softmax when the output was not already a distribution). */
  prob: number;
  /** The raw output value. */
  raw: number;
}

/** True when values already look like probabilities: all in [0, 1] and summing to ~1. */
export function isDistribution(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** Numerically stable softmax (subtracts the maximum first). */
export function softmax(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.exp(values[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export function probabilities(values: ArrayLike<number>): ArrayLike<number> {
  return isDistribution(values) ? values : softmax(values);
}

/** The k best classes, best first (ties keep the lower index first). */
export function topK(values: ArrayLike<number>, k: number): Ranked[] {
  const probs = probabilities(values);
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[b]! - values[a]! || a - b);
  return idx.slice(0, Math.max(0, k)).map((i) => ({ index: i, prob: probs[i]!, raw: values[i]! }));
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export interface OutputComparison {
  samples: number;
  /** Fraction of samples where both models rank the same class first. */
  top1Agreement: number;
  /** Largest |a - b| over all raw output values. */
  maxAbsDiff: number;
  /** Mean |a - b| over all raw output values. */
  meanAbsDiff: number;
  /** Largest |p_a - p_b| over class probabilities. */
  maxProbDiff: number;
}

/** Compares per-sample outputs of two models (same inputs, same order). */
export function compareOutputs(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): OutputComparison {
  if (a.length !== b.length) throw new RangeError(`sample counts differ: ${a.length} vs ${b.length}`);
  let agree = 0,
    maxAbs = 0,
    sumAbs = 0,
    count = 0,
    maxProb = 0;
  for (let s = 0; s < a.length; s++) {
    const x = a[s]!,
      y = b[s]!;
    if (x.length !== y.length) throw new RangeError(`sample ${s}: output sizes differ (${x.length} vs ${y.length})`);
    if (argmax(x) === argmax(y)) agree++;
    const px = probabilities(x),
      py = probabilities(y);
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      maxAbs = Math.max(maxAbs, d);
      sumAbs += d;
      count++;
      maxProb = Math.max(maxProb, Math.abs(px[i]! - py[i]!));
    }
  }
  return {
    samples: a.length,
    top1Agreement: a.length ? agree / a.length : Number.NaN,
    maxAbsDiff: maxAbs,
    meanAbsDiff: count ? sumAbs / count : Number.NaN,
    maxProbDiff: maxProb,
  };
}
