// The n-bit weight grid of weight-only quantization (MatMulNBits, GatherBlockQuantized): each
// group of `groupSize` weights along the reduction axis K has its own scale and integer zero
// point, and a weight w is stored as a code q in [0, 2^bits - 1] with w ~ (q - zero) * scale.
//  - symmetric: zero = 2^(bits-1) (not stored). The weight of largest magnitude maps to code 0
//    exactly, so all 2^bits codes are used (onnxruntime's convention; the scale may be negative).
//  - asymmetric: the range [min(w, 0), max(w, 0)] is spread over the codes; zero is stored.
// A clip search shrinks the range when that lowers the group's squared error (weighted by the
// importance of each input channel when given): outliers cost less than coarse steps for the rest.

export interface GridSpec {
  /** 2..8 bits per weight. */
  bits: number;
  symmetric: boolean;
  /** Weights per scale along K. */
  groupSize: number;
  /** Try range shrink factors down to this (1 = plain min/max). */
  minClip: number;
}

/** Codes [N, K] (one row per output column, along K), scales and zero points [N, groups]. */
export interface GroupQuantized {
  codes: Uint8Array;
  scales: Float32Array;
  zeros: Uint8Array;
  groups: number;
}

export const DEFAULT_GRID: GridSpec = { bits: 4, symmetric: true, groupSize: 32, minClip: 0.75 };

const CLIP_STEP = 0.05;

export function checkGrid(spec: GridSpec): void {
  if (!Number.isInteger(spec.bits) || spec.bits < 2 || spec.bits > 8)
    throw new RangeError(`weight bits must be an integer in 2..8, got ${spec.bits}`);
  if (!Number.isInteger(spec.groupSize) || spec.groupSize < 1)
    throw new RangeError(`group size must be a positive integer, got ${spec.groupSize}`);
  if (!(spec.minClip > 0 && spec.minClip <= 1)) throw new RangeError(`minClip must be in (0, 1], got ${spec.minClip}`);
}

/** Scale and zero point of one group whose extremes are `lo` <= 0 <= `hi` (after clipping). */
export function gridParams(lo: number, hi: number, bits: number, symmetric: boolean): { scale: number; zero: number } {
  const qmax = (1 << bits) - 1;
  if (symmetric) {
    const zero = 1 << (bits - 1);
    const m = -lo >= hi ? lo : hi;
    // The extreme lands on code 0: scale = m / -zero (negative when the extreme is positive).
    const scale = m === 0 ? 1 : Math.fround(m / -zero);
    return { scale: scale === 0 || !Number.isFinite(scale) ? 1 : scale, zero };
  }
  if (hi === lo) return { scale: 1, zero: 0 };
  const scale = Math.fround((hi - lo) / qmax);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zero: 0 };
  const zero = Math.min(qmax, Math.max(0, Math.round(-lo / scale)));
  return { scale, zero };
}

/** The code of `w` on a grid (NaN goes to the zero point, i.e. real 0). */
export function toCode(w: number, scale: number, zero: number, qmax: number): number {
  const q = Math.round(w / scale) + zero;
  return q >= 0 ? (q <= qmax ? q : qmax) : q < 0 ? 0 : zero;
}

/**
 * Parameters of the groups of `rows` rows [r0, r1) of a row-major [K, N] matrix, one per column:
 * min/max per column, then the clip factor with the least (importance-weighted) squared error.
 * `importance[k]` weights row k (e.g. the mean squared activation of input channel k).
 */
export function groupParamsOfRows(
  w: ArrayLike<number>,
  n: number,
  r0: number,
  r1: number,
  spec: Pick<GridSpec, 'bits' | 'symmetric' | 'minClip'>,
  scales: Float32Array,
  zeros: Uint8Array,
  importance?: ArrayLike<number>,
): void {
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let r = r0; r < r1; r++) {
    const base = r * n;
    for (let c = 0; c < n; c++) {
      const v = w[base + c]!;
      if (v < lo[c]!) lo[c] = v;
      else if (v > hi[c]!) hi[c] = v;
    }
  }
  const qmax = (1 << spec.bits) - 1;
  const best = new Float64Array(n).fill(Infinity);
  const err = new Float64Array(n);
  const s = new Float32Array(n);
  const inv = new Float64Array(n);
  const z = new Uint8Array(n);
  for (let clip = 1; clip >= spec.minClip - 1e-9; clip -= CLIP_STEP) {
    for (let c = 0; c < n; c++) {
      const p = gridParams(lo[c]! * clip, hi[c]! * clip, spec.bits, spec.symmetric);
      s[c] = p.scale;
      inv[c] = 1 / p.scale;
      z[c] = p.zero;
    }
    if (spec.minClip < 1) {
      err.fill(0);
      for (let r = r0; r < r1; r++) {
        const base = r * n;
        const imp = importance ? importance[r]! : 1;
        for (let c = 0; c < n; c++) {
          const v = w[base + c]!;
          const zc = z[c]!;
          let q = Math.round(v * inv[c]!) + zc;
          q = q < 0 ? 0 : q > qmax ? qmax : q;
          const d = v - (q - zc) * s[c]!;
          err[c] += imp * d * d;
        }
      }
    }
    for (let c = 0; c < n; c++) {
      if (err[c]! < best[c]!) {
        best[c] = err[c]!;
        scales[c] = s[c]!;
        zeros[c] = z[c]!;
      }
    }
    if (spec.minClip >= 1) break;
  }
}

/**
 * Round-to-nearest group-wise quantization of a row-major [K, N] weight (MatMul layout) along K.
 * Scales/zeros are laid out [N, groups] and codes [N, K], as MatMulNBits stores them.
 */
export function quantizeGroupwise(
  w: ArrayLike<number>,
  k: number,
  n: number,
  spec: GridSpec,
  importance?: ArrayLike<number>,
): GroupQuantized {
  checkGrid(spec);
  const groups = Math.ceil(k / spec.groupSize);
  const codes = new Uint8Array(n * k);
  const scales = new Float32Array(n * groups);
  const zeros = new Uint8Array(n * groups);
  const gs = new Float32Array(n);
  const gz = new Uint8Array(n);
  const qmax = (1 << spec.bits) - 1;
  // Codes of one group row-major first (contiguous writes), then copied out per column.
  const block = new Uint8Array(spec.groupSize * n);
  for (let g = 0; g < groups; g++) {
    const r0 = g * spec.groupSize;
    const r1 = Math.min(k, r0 + spec.groupSize);
    groupParamsOfRows(w, n, r0, r1, spec, gs, gz, importance);
    for (let c = 0; c < n; c++) {
      scales[c * groups + g] = gs[c]!;
      zeros[c * groups + g] = gz[c]!;
    }
    for (let r = r0; r < r1; r++) {
      const base = r * n;
      const b = (r - r0) * n;
      for (let c = 0; c < n; c++) block[b + c] = toCode(w[base + c]!, gs[c]!, gz[c]!, qmax);
    }
    const rows = r1 - r0;
    for (let c = 0; c < n; c++) {
      const o = c * k + r0;
      for (let j = 0; j < rows; j++) codes[o + j] = block[j * n + c]!;
    }
  }
  return { codes, scales, zeros, groups };
}

/** The float weight [K, N] a group-quantized one stands for. */
export function dequantizeGroupwise(q: GroupQuantized, k: number, n: number, groupSize: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < k; r++) {
      const g = c * q.groups + ((r / groupSize) | 0);
      out[r * n + c] = (q.codes[c * k + r]! - q.zeros[g]!) * q.scales[g]!;
    }
  }
  return out;
}
