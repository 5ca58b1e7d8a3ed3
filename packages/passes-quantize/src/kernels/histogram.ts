// A streaming histogram of activation values over a symmetric range [-limit, limit] that grows by
// doubling: when a batch holds a larger value, pairs of bins merge, which is exact (no
// re-interpolation), so the result does not depend on batch order beyond the final limit.
// NaN/Inf are counted apart and never widen the range.

export class Histogram {
  readonly bins: number;
  counts: Float64Array;
  /** Half-width of the covered range; 0 until a non-zero value arrives. */
  limit = 0;
  min = Infinity;
  max = -Infinity;
  /** Finite values seen. */
  total = 0;
  /** NaN / Inf values seen (ignored). */
  nonFinite = 0;

  constructor(bins = 2048) {
    if (!Number.isInteger(bins) || bins < 4 || bins % 2 !== 0)
      throw new RangeError(`histogram bins must be an even integer >= 4, got ${bins}`);
    this.bins = bins;
    this.counts = new Float64Array(bins);
  }

  get binWidth(): number {
    return (2 * this.limit) / this.bins;
  }

  /** Lower edge of bin `i`. */
  edge(i: number): number {
    return -this.limit + i * this.binWidth;
  }

  add(data: ArrayLike<number>): void {
    let lo = Infinity;
    let hi = -Infinity;
    let bad = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) {
        bad++;
        continue;
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.nonFinite += bad;
    if (lo > hi) return;
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    const need = Math.max(-lo, hi);
    if (need > 0) this.grow(need);
    const counts = this.counts;
    const half = this.bins / 2;
    // A zero limit means every value so far was 0; keep them in the bin just above 0.
    const perUnit = this.limit > 0 ? half / this.limit : 0;
    const last = this.bins - 1;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) continue;
      let b = Math.floor(v * perUnit) + half;
      if (b > last) b = last;
      else if (b < 0) b = 0;
      counts[b]!++;
    }
    this.total += data.length - bad;
  }

  private grow(need: number): void {
    if (this.limit === 0) {
      // First non-zero value: start at the power of two above it (zeros already sit at bin `half`).
      this.limit = 2 ** Math.ceil(Math.log2(need));
      if (this.limit < need) this.limit *= 2;
      return;
    }
    while (this.limit < need) {
      const old = this.counts;
      const next = new Float64Array(this.bins);
      const q = this.bins / 4;
      // Old bins 2m, 2m+1 cover the same span as new bin q+m.
      for (let m = 0; m < this.bins / 2; m++) next[q + m] = old[2 * m]! + old[2 * m + 1]!;
      this.counts = next;
      this.limit *= 2;
    }
  }

  /** Counts of |x| folded onto the positive half: `bins/2` bins over [0, limit]. */
  absCounts(): Float64Array {
    const half = this.bins / 2;
    const out = new Float64Array(half);
    for (let i = 0; i < half; i++) out[i] = this.counts[half + i]! + this.counts[half - 1 - i]!;
    return out;
  }
}
