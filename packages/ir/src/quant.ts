// Quantization parameters as first-class data: TFLite's per-tensor/per-axis quantization and ONNX's
// QuantizeLinear/DequantizeLinear pairs both map to this.
import type { DataType } from './dtype.js';

export interface QuantParams {
  /** Storage type of the quantized values (int8, uint8, int16, int4, ...). */
  dtype: DataType;
  /** One scale per tensor, or one per slice along `axis`. */
  scale: Float32Array;
  /** Same length as `scale`. */
  zeroPoint: Int32Array;
  /** Axis of per-channel quantization; undefined for per-tensor. */
  axis?: number;
  /** Block size along `axis` for block-wise quantization (int4 weights). */
  blockSize?: number;
  /** Calibrated real-valued range, when known (TFLite keeps min/max). */
  min?: Float32Array;
  max?: Float32Array;
}

export function isPerChannel(q: QuantParams): boolean {
  return q.axis !== undefined && q.scale.length > 1;
}

/** real = (q - zeroPoint) * scale, per tensor or along `axis` of `shape`. */
export function dequantizeValues(q: ArrayLike<number>, params: QuantParams, shape: readonly number[]): Float32Array {
  const out = new Float32Array(q.length);
  const { scale, zeroPoint, axis } = params;
  if (axis === undefined || scale.length === 1) {
    const s = scale[0]!;
    const z = zeroPoint[0]!;
    for (let i = 0; i < q.length; i++) out[i] = (q[i]! - z) * s;
    return out;
  }
  const a = axis < 0 ? axis + shape.length : axis;
  let inner = 1;
  for (let d = a + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = shape[a]!;
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = (q[i]! - zeroPoint[c]!) * scale[c]!;
  }
  return out;
}
