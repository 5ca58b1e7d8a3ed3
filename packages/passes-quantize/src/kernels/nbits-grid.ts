// The n-bit weight grid of weight-only quantization (MatMulNBits, GatherBlockQuantized): each
// group of `groupSize` weights along the reduction axis K has its own scale and integer zero
// point, and a weight w is stored as a code q in [0, 2^bits - 1] with w ~ (q - zero) * scale.
//  - symmetric: zero = 2^(bits-1) (not stored). The weight of largest magnitude maps to code 0
//    exactly, so all 2^bits codes are used (onnxruntime's convention; the scale may be negative).
//  - asymmetric: the range [min(w, 0), max(w, 0)] is spread over the codes; zero is stored.
// A clip search shrinks the range when that lowers the group's squared error: outliers cost less
// than coarse steps for the rest.

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

/**
 * Math.round (ties up) as V8 runs it 2-3x faster: floor(x + 0.5). They differ only at
 * x = 0.49999999999999994, where x + 0.5 rounds to 1.
 */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

/** The code of `w` on a grid (NaN goes to the zero point, i.e. real 0). */
export function toCode(w: number, scale: number, zero: number, qmax: number): number {
  const q = roundHalfUp(w / scale) + zero;
  return q >= 0 ? (q <= qmax ? q : qmax) : q < 0 ? 0 : zero;
}

/** The range shrink factors the clip search tries: 1, 0.95, ... down to `minClip`. */
function clipFactors(minClip: number): Float64Array {
  const out: number[] = [];
  for (let clip = 1; clip >= minClip - 1e-9; clip -= CLIP_STEP) out.push(clip);
  return Float64Array.from(out);
}

/**
 * Scale and zero point of one group held contiguously, `vals[off, off + len)`: min/max, then the
 * clip factor with the least squared error, the largest factor on ties. This search (one rounding
 * pass per factor) is most of the time of round to nearest: contiguous values, scalar locals and
 * two factors per pass keep it in registers.
 */
function searchGroup(
  vals: Float32Array,
  off: number,
  len: number,
  bits: number,
  symmetric: boolean,
  clips: Float64Array,
  scales: Float32Array,
  zeros: Uint8Array,
  at: number,
): void {
  let lo = 0;
  let hi = 0;
  const end = off + len;
  for (let j = off; j < end; j++) {
    const v = vals[j]!;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  const first = gridParams(lo, hi, bits, symmetric);
  scales[at] = first.scale;
  zeros[at] = first.zero;
  if (clips.length === 1) return;
  const qmax = (1 << bits) - 1;
  // NaN weights make every error NaN: the unclipped grid stays.
  let best = Infinity;
  for (let i = 0; i < clips.length; i += 2) {
    const a = gridParams(lo * clips[i]!, hi * clips[i]!, bits, symmetric);
    const b = i + 1 < clips.length ? gridParams(lo * clips[i + 1]!, hi * clips[i + 1]!, bits, symmetric) : a;
    const sa = a.scale;
    const ia = 1 / sa;
    const za = a.zero;
    const sb = b.scale;
    const ib = 1 / sb;
    const zb = b.zero;
    let ea = 0;
    let eb = 0;
    for (let j = off; j < end; j++) {
      const v = vals[j]!;
      let qa = roundHalfUp(v * ia) + za;
      qa = qa < 0 ? 0 : qa > qmax ? qmax : qa;
      const da = v - (qa - za) * sa;
      ea += da * da;
      let qb = roundHalfUp(v * ib) + zb;
      qb = qb < 0 ? 0 : qb > qmax ? qmax : qb;
      const db = v - (qb - zb) * sb;
      eb += db * db;
    }
    if (ea < best) {
      best = ea;
      scales[at] = sa;
      zeros[at] = za;
    }
    if (eb < best) {
      best = eb;
      scales[at] = sb;
      zeros[at] = zb;
    }
  }
}

/** Rows [r0, r1) of a row-major [K, N] matrix into `out` column by column: [N, r1 - r0]. */
function columnsOfRows(w: ArrayLike<number>, n: number, r0: number, r1: number, out: Float32Array): void {
  const rows = r1 - r0;
  for (let r = r0; r < r1; r++) {
    const base = r * n;
    const j = r - r0;
    for (let c = 0; c < n; c++) out[c * rows + j] = w[base + c]!;
  }
}

/**
 * Parameters of the groups of `rows` rows [r0, r1) of a row-major [K, N] matrix, one per column:
 * min/max per column, then the clip factor with the least squared error.
 */
export function groupParamsOfRows(
  w: ArrayLike<number>,
  n: number,
  r0: number,
  r1: number,
  spec: Pick<GridSpec, 'bits' | 'symmetric' | 'minClip'>,
  scales: Float32Array,
  zeros: Uint8Array,
): void {
  const rows = r1 - r0;
  const cols = new Float32Array(rows * n);
  columnsOfRows(w, n, r0, r1, cols);
  const clips = clipFactors(spec.minClip);
  for (let c = 0; c < n; c++) {
    searchGroup(cols, c * rows, rows, spec.bits, spec.symmetric, clips, scales, zeros, c);
  }
}

/**
 * How a weight's [K, N] matrix is stored: 'kn' row-major [K, N] (a MatMul weight), 'nk' row-major
 * [N, K] (Gemm with transB, an embedding table), where each column's groups are already contiguous.
 */
export type WeightLayout = 'kn' | 'nk';

export interface GroupwiseResult extends GroupQuantized {
  /** Mean squared error of the weight the codes stand for. */
  mse: number;
}

/**
 * Round-to-nearest group-wise quantization of a [K, N] weight (MatMul layout) along K.
 * Scales/zeros are laid out [N, groups] and codes [N, K], as MatMulNBits stores them.
 */
export function quantizeGroupwise(
  w: Float32Array,
  k: number,
  n: number,
  spec: GridSpec,
  layout: WeightLayout = 'kn',
): GroupwiseResult {
  checkGrid(spec);
  const groups = Math.ceil(k / spec.groupSize);
  const codes = new Uint8Array(n * k);
  const scales = new Float32Array(n * groups);
  const zeros = new Uint8Array(n * groups);
  const qmax = (1 << spec.bits) - 1;
  const clips = clipFactors(spec.minClip);
  // Row-major [K, N] is taken one group of rows at a time, transposed so that each column's group
  // is contiguous (the layout of the codes too); [N, K] is that already.
  const cols = layout === 'kn' ? new Float32Array(spec.groupSize * n) : w;
  let sq = 0;
  for (let g = 0; g < groups; g++) {
    const r0 = g * spec.groupSize;
    const rows = Math.min(k, r0 + spec.groupSize) - r0;
    if (layout === 'kn') columnsOfRows(w, n, r0, r0 + rows, cols);
    for (let c = 0; c < n; c++) {
      const at = c * groups + g;
      const from = layout === 'kn' ? c * rows : c * k + r0;
      searchGroup(cols, from, rows, spec.bits, spec.symmetric, clips, scales, zeros, at);
      const s = scales[at]!;
      const z = zeros[at]!;
      const o = c * k + r0;
      for (let j = 0; j < rows; j++) {
        const v = cols[from + j]!;
        const q = toCode(v, s, z, qmax);
        codes[o + j] = q;
        const d = v - (q - z) * s;
        sq += d * d;
      }
    }
  }
  return { codes, scales, zeros, groups, mse: k * n ? sq / (k * n) : 0 };
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
