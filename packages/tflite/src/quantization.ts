// TFLite QuantizationParameters <-> the IR's first-class QuantParams. Per-tensor parameters have one
// scale; per-axis ones one scale per slice of `quantized_dimension`. What QuantParams cannot hold
// (min/max without scales, `details` such as blockwise scale tensors) rides along in the value's
// extras and is written back unchanged.
import { UnsupportedError, type DataType, type QuantParams } from '@enxuto/ir';
import type { QuantizationParametersT } from './schema/schema.generated.js';

export const QUANT_EXTRA = 'tflite.quantization';

function int32s(values: readonly number[], where: { file?: string; field: string; value?: string }): Int32Array {
  for (const v of values) {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new UnsupportedError(`zero point ${v} does not fit in int32`, {
        code: 'tflite/zero-point-range',
        ...where,
      });
    }
  }
  return Int32Array.from(values);
}

/** The IR view of a tensor's quantization, or undefined when it has no scales. */
export function quantFromTflite(
  q: QuantizationParametersT | undefined,
  dtype: DataType,
  where: { file?: string; field: string; value?: string },
): QuantParams | undefined {
  const scale = q?.scale ?? [];
  if (q === undefined || scale.length === 0) return undefined;
  const params: QuantParams = {
    dtype,
    scale: Float32Array.from(scale),
    zeroPoint: int32s(q.zero_point ?? [], where),
  };
  if (scale.length > 1 || q.quantized_dimension !== 0) params.axis = q.quantized_dimension;
  if (q.min !== undefined && q.min.length > 0) params.min = Float32Array.from(q.min);
  if (q.max !== undefined && q.max.length > 0) params.max = Float32Array.from(q.max);
  return params;
}

/** Whether a raw table carries anything QuantParams does not (so it must be kept as an extra). */
export function quantNeedsExtra(q: QuantizationParametersT | undefined): boolean {
  if (q === undefined) return false;
  return (
    q.details !== undefined || ((q.scale ?? []).length === 0 && ((q.min ?? []).length > 0 || (q.max ?? []).length > 0))
  );
}

/** The table to write for a value's quantization (undefined: none). */
export function quantToTflite(
  quant: QuantParams | undefined,
  extra: QuantizationParametersT | undefined,
  rank: number,
): QuantizationParametersT | undefined {
  if (quant === undefined) {
    if (extra === undefined) return undefined;
    const out: QuantizationParametersT = { quantized_dimension: extra.quantized_dimension };
    if (extra.min !== undefined) out.min = extra.min;
    if (extra.max !== undefined) out.max = extra.max;
    if (extra.details !== undefined) out.details = extra.details;
    return out;
  }
  const out: QuantizationParametersT = {
    scale: Array.from(quant.scale),
    zero_point: Array.from(quant.zeroPoint),
    quantized_dimension: quant.axis === undefined ? 0 : quant.axis < 0 ? quant.axis + rank : quant.axis,
  };
  if (quant.min !== undefined) out.min = Array.from(quant.min);
  if (quant.max !== undefined) out.max = Array.from(quant.max);
  if (extra?.details !== undefined) out.details = extra.details;
  return out;
}
