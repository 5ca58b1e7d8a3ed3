// Statistics of a layer's inputs over calibration data, for weight quantization that knows the
// activations: the Hessian of the reconstruction error H = (2 / rows) X^T X (GPTQ), the mean
// magnitude of each input channel (AWQ's salience) and a bounded sample of input rows (AWQ's
// search loss). X arrives as [rows, K] row-major chunks of any size.

export class InputStats {
  /** Sum of x x^T (upper triangle filled until `hessian()` mirrors it). */
  private readonly xtx: Float64Array;
  private readonly absSum: Float64Array;
  rows = 0;
  private readonly sample: Float32Array;
  private sampled = 0;

  constructor(
    readonly k: number,
    opts: { hessian?: boolean; sampleRows?: number } = {},
  ) {
    this.xtx = new Float64Array(opts.hessian === false ? 0 : k * k);
    this.absSum = new Float64Array(k);
    this.sample = new Float32Array((opts.sampleRows ?? 0) * k);
  }

  /** Adds `rows` input rows of length K. */
  add(x: Float32Array, rows: number): void {
    const k = this.k;
    if (x.length < rows * k) throw new RangeError(`expected ${rows} x ${k} values, got ${x.length}`);
    for (let r = 0; r < rows; r++) {
      const base = r * k;
      for (let i = 0; i < k; i++) this.absSum[i] += Math.abs(x[base + i]!);
    }
    const room = this.sample.length / k - this.sampled;
    if (room > 0) {
      const take = Math.min(room, rows);
      this.sample.set(x.subarray(0, take * k), this.sampled * k);
      this.sampled += take;
    }
    if (this.xtx.length > 0) this.addOuter(x, rows);
    this.rows += rows;
  }

  private addOuter(x: Float32Array, rows: number): void {
    const k = this.k;
    const chunk = 64;
    const xt = new Float64Array(k * chunk);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = Math.min(chunk, rows - r0);
      // Transposed chunk: channel i's values over the chunk's rows are contiguous.
      for (let r = 0; r < m; r++) {
        const base = (r0 + r) * k;
        for (let i = 0; i < k; i++) xt[i * chunk + r] = x[base + i]!;
      }
      for (let i = 0; i < k; i++) {
        const ai = i * chunk;
        const hi = i * k;
        for (let j = i; j < k; j++) {
          const aj = j * chunk;
          let s = 0;
          for (let r = 0; r < m; r++) s += xt[ai + r]! * xt[aj + r]!;
          this.xtx[hi + j] += s;
        }
      }
    }
  }

  /** H = (2 / rows) X^T X, symmetric [K, K]. */
  hessian(): Float64Array {
    const k = this.k;
    if (this.xtx.length === 0) throw new Error('these statistics were collected without the Hessian');
    const h = new Float64Array(k * k);
    const f = this.rows > 0 ? 2 / this.rows : 0;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        const v = this.xtx[i * k + j]! * f;
        h[i * k + j] = v;
        h[j * k + i] = v;
      }
    }
    return h;
  }

  /** Mean |x_k| per input channel. */
  meanAbs(): Float64Array {
    const out = new Float64Array(this.k);
    for (let i = 0; i < this.k; i++) out[i] = this.rows > 0 ? this.absSum[i]! / this.rows : 0;
    return out;
  }

  /** The first input rows seen (at most `sampleRows`), [rows, K]. */
  sampleRows(): { x: Float32Array; rows: number } {
    return { x: this.sample.subarray(0, this.sampled * this.k), rows: this.sampled };
  }
}
