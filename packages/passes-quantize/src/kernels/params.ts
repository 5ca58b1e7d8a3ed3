// Scale and zero point from a real-valued range (ONNX / ORT conventions). Never returns a zero,
// NaN or Inf scale: degenerate ranges get scale 1, and scales are kept inside the normal range of
// the dtype the scale is stored in (float16 underflow is BAD_INPUTS case 17).
import { finiteRangePerAxis, type Range } from './range.js';

export type QuantType = 'int8' | 'uint8' | 'int4' | 'uint4' | 'int16' | 'uint16';
export type ScaleType = 'float32' | 'float16';

export interface QuantSpec {
  type: QuantType;
  /** Zero point at the middle of the integer range; the real range becomes [-absmax, absmax]. */
  symmetric: boolean;
  /**
   * Drop the most negative integer so that the range is symmetric ([-127, 127] for int8), as ORT
   * does for symmetric weights; avoids overflow in int8 x int8 kernels. Default: `symmetric`.
   */
  narrow?: boolean;
  /** dtype the scale is stored in (default float32). */
  scaleType?: ScaleType;
  /**
   * Use only this many bits of the type (7 for int8: onnxruntime's `reduce_range`), so that x86
   * u8s8 kernels without VNNI, which add pairs of products in saturating int16, cannot overflow.
   */
  bits?: number;
}

export interface ScaleZeroPoint {
  scale: number;
  zeroPoint: number;
}

const TYPE_BITS: Record<QuantType, { bits: number; signed: boolean }> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  int4: { bits: 4, signed: true },
  uint4: { bits: 4, signed: false },
  int16: { bits: 16, signed: true },
  uint16: { bits: 16, signed: false },
};

/** Inclusive integer range of a quantized type. */
export function quantRange(type: QuantType, narrow = false, usedBits?: number): { qmin: number; qmax: number } {
  const { signed } = TYPE_BITS[type];
  const bits = Math.min(usedBits ?? TYPE_BITS[type].bits, TYPE_BITS[type].bits);
  if (signed) return { qmin: -(2 ** (bits - 1)) + (narrow ? 1 : 0), qmax: 2 ** (bits - 1) - 1 };
  return { qmin: 0, qmax: 2 ** bits - 1 - (narrow ? 1 : 0) };
}

/** Smallest and largest scale representable as a normal number of the scale dtype. */
export const SCALE_LIMITS: Record<ScaleType, { min: number; max: number }> = {
  float32: { min: 2 ** -126, max: 3.4028234663852886e38 },
  float16: { min: 2 ** -14, max: 65504 },
};

/** Round half to even (ONNX QuantizeLinear rounding), exact for |x| < 2^51. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Clamp a scale into the finite normal range of its storage dtype. */
export function safeScale(scale: number, scaleType: ScaleType = 'float32'): number {
  const { min, max } = SCALE_LIMITS[scaleType];
  if (!(scale > 0) || !Number.isFinite(scale)) return Number.isNaN(scale) || scale <= 0 ? 1 : max;
  const s = Math.fround(scale);
  if (s < min) return min;
  if (s > max) return max;
  return s;
}

/** Scale and zero point for one range. The range is widened to include 0 (zero must be exact). */
export function scaleZeroPoint(range: Range, spec: QuantSpec): ScaleZeroPoint {
  const narrow = spec.narrow ?? spec.symmetric;
  const { qmin, qmax } = quantRange(spec.type, narrow, spec.bits);
  let lo = Math.min(Number.isFinite(range.min) ? range.min : 0, 0);
  let hi = Math.max(Number.isFinite(range.max) ? range.max : 0, 0);
  if (spec.symmetric) {
    const a = Math.max(-lo, hi);
    lo = -a;
    hi = a;
  }
  // Only zeros: any scale works; zero point at qmin keeps 'clamps negatives' true for fused Relus.
  if (hi === lo) return { scale: 1, zeroPoint: spec.symmetric ? symmetricZero(spec.type, qmin, qmax) : qmin };
  if (spec.symmetric) {
    const scale = safeScale((hi - lo) / (qmax - qmin), spec.scaleType);
    return { scale, zeroPoint: symmetricZero(spec.type, qmin, qmax) };
  }
  const scale = safeScale((hi - lo) / (qmax - qmin), spec.scaleType);
  const zeroPoint = clampInt(roundHalfEven(qmin - lo / scale), qmin, qmax);
  return { scale, zeroPoint };
}

function symmetricZero(type: QuantType, qmin: number, qmax: number): number {
  // Signed types center on 0; unsigned on the middle code (128 for uint8).
  return TYPE_BITS[type].signed ? 0 : Math.ceil((qmin + qmax) / 2);
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export interface AxisParams {
  scale: Float32Array;
  zeroPoint: Int32Array;
}

/** Scales and zero points for arrays of ranges (one per channel or block). */
export function scaleZeroPoints(min: ArrayLike<number>, max: ArrayLike<number>, spec: QuantSpec): AxisParams {
  const n = min.length;
  const scale = new Float32Array(n);
  const zeroPoint = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const p = scaleZeroPoint({ min: min[c]!, max: max[c]! }, spec);
    scale[c] = p.scale;
    zeroPoint[c] = p.zeroPoint;
  }
  return { scale, zeroPoint };
}

/** Per-channel scales and zero points of a weight along `axis`. */
export function perAxisParams(
  data: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  spec: QuantSpec,
): AxisParams {
  const { min, max } = finiteRangePerAxis(data, shape, axis);
  return scaleZeroPoints(min, max, spec);
}
