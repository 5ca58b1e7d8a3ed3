// QuantizeLinear kernels with ONNX semantics: q = saturate(round_half_even(x / scale) + zero_point).
// (DequantizeLinear is `dequantizeValues` in @enxuto/ir.)
// Hot loops: typed arrays, no allocation per element. NaN quantizes to the zero point (real 0),
// +-Inf saturates.
import { axisLayout } from './range.js';
import { quantRange, type QuantType } from './params.js';

export type QuantArray = Int8Array | Uint8Array | Int16Array | Uint16Array;

// Adding and subtracting 1.5 * 2^52 rounds a double to an integer, ties to even (|x| < 2^51).
const ROUND_MAGIC = 6755399441055744;

/** A fresh array of the quantized type (int4/uint4 hold one value per element, unpacked). */
export function allocQuant(type: QuantType, n: number): QuantArray {
  switch (type) {
    case 'int8':
    case 'int4':
      return new Int8Array(n);
    case 'uint8':
    case 'uint4':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
  }
}

/** Quantize elements [start, end) of `x` with one scale/zero point into `out` at the same positions. */
function quantizeSpan(
  x: ArrayLike<number>,
  out: QuantArray,
  start: number,
  end: number,
  scale: number,
  zp: number,
  qmin: number,
  qmax: number,
): void {
  const s = Math.fround(scale);
  // Clamp before adding the zero point: one select per bound. NaN fails both compares and stays
  // NaN; `| 0` turns it into 0, so NaN quantizes to the zero point (real 0) without a branch.
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    const r = Math.fround(x[i]! / s);
    const c = r < lo ? lo : r > hi ? hi : r;
    out[i] = ((c + ROUND_MAGIC - ROUND_MAGIC) | 0) + zp;
  }
}

/** Per-tensor QuantizeLinear. */
export function quantizePerTensor(
  x: ArrayLike<number>,
  scale: number,
  zeroPoint: number,
  type: QuantType,
  out = allocQuant(type, x.length),
): QuantArray {
  const { qmin, qmax } = quantRange(type);
  quantizeSpan(x, out, 0, x.length, scale, zeroPoint, qmin, qmax);
  return out;
}

/** Per-axis QuantizeLinear: one scale/zero point per index along `axis`. */
export function quantizePerAxis(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  scale: ArrayLike<number>,
  zeroPoint: ArrayLike<number>,
  type: QuantType,
  out = allocQuant(type, x.length),
): QuantArray {
  const { outer, channels, inner } = axisLayout(shape, axis);
  checkParams(scale, zeroPoint, channels);
  const { qmin, qmax } = quantRange(type);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      quantizeSpan(x, out, base, base + inner, scale[c]!, zeroPoint[c]!, qmin, qmax);
    }
  }
  return out;
}

/**
 * Block-wise QuantizeLinear (ONNX opset 21 `block_size`): along `axis`, each run of `blockSize`
 * elements has its own scale. Scale/zero-point layout: `shape` with dim `axis` = ceil(dim / blockSize).
 */
export function quantizeBlockwise(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  blockSize: number,
  scale: ArrayLike<number>,
  zeroPoint: ArrayLike<number>,
  type: QuantType,
  out = allocQuant(type, x.length),
): QuantArray {
  const { outer, channels, inner } = axisLayout(shape, axis);
  const blocks = Math.ceil(channels / blockSize);
  checkParams(scale, zeroPoint, outer * blocks * inner);
  const { qmin, qmax } = quantRange(type);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const b = (o * blocks + ((c / blockSize) | 0)) * inner;
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        quantizeSpan(x, out, base + i, base + i + 1, scale[b + i]!, zeroPoint[b + i]!, qmin, qmax);
      }
    }
  }
  return out;
}

function checkParams(scale: ArrayLike<number>, zeroPoint: ArrayLike<number>, want: number): void {
  if (scale.length !== want || zeroPoint.length !== want) {
    throw new RangeError(`expected ${want} scales and zero points, got ${scale.length} and ${zeroPoint.length}`);
  }
}
