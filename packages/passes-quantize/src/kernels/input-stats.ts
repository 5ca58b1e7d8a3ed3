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
    const chunk = 256;
    // Channels padded to a multiple of 4 (zeros) so the 4 x 4 tiles below need no edge cases.
    const kp = (k + 3) & ~3;
    const xt = new Float64Array(kp * chunk);
    const acc = new Float64Array(16);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = Math.min(chunk, rows - r0);
      // Transposed chunk: channel i's values over the chunk's rows are contiguous.
      for (let r = 0; r < m; r++) {
        const base = (r0 + r) * k;
        for (let i = 0; i < k; i++) xt[i * chunk + r] = x[base + i]!;
      }
      for (let i = 0; i < kp; i += 4) {
        for (let j = i; j < kp; j += 4) {
          tile(xt, chunk, m, i, j, acc);
          for (let a = 0; a < 4; a++) {
            const ii = i + a;
            if (ii >= k) break;
            for (let b = 0; b < 4; b++) {
              const jj = j + b;
              if (jj < ii || jj >= k) continue;
              this.xtx[ii * k + jj] += acc[a * 4 + b]!;
            }
          }
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

/** acc[a * 4 + b] = sum over the chunk's rows of xt[i + a] * xt[j + b]: 16 sums, 8 loads per row. */
function tile(xt: Float64Array, chunk: number, m: number, i: number, j: number, acc: Float64Array): void {
  const a0 = i * chunk;
  const a1 = a0 + chunk;
  const a2 = a1 + chunk;
  const a3 = a2 + chunk;
  const b0 = j * chunk;
  const b1 = b0 + chunk;
  const b2 = b1 + chunk;
  const b3 = b2 + chunk;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let r = 0; r < m; r++) {
    const x0 = xt[a0 + r]!;
    const x1 = xt[a1 + r]!;
    const x2 = xt[a2 + r]!;
    const x3 = xt[a3 + r]!;
    const y0 = xt[b0 + r]!;
    const y1 = xt[b1 + r]!;
    const y2 = xt[b2 + r]!;
    const y3 = xt[b3 + r]!;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  acc[0] = s00;
  acc[1] = s01;
  acc[2] = s02;
  acc[3] = s03;
  acc[4] = s10;
  acc[5] = s11;
  acc[6] = s12;
  acc[7] = s13;
  acc[8] = s20;
  acc[9] = s21;
  acc[10] = s22;
  acc[11] = s23;
  acc[12] = s30;
  acc[13] = s31;
  acc[14] = s32;
  acc[15] = s33;
}
