// TFLite quantization parameters that would silently give wrong numbers (BAD_INPUTS 26, and the
// values of issue 13): scale and zero point counts, the quantized dimension, every scale finite and
// positive, every zero point inside the range of the tensor's integer type.
import { TensorType, type TensorT } from './schema.generated.js';

export interface QuantProblem {
  message: string;
  /** Field below the tensor's `quantization`. */
  field: string;
}

/** [min, max] a zero point may take for each integer storage type, by type name. */
const ZERO_POINT_RANGE: Partial<Record<keyof typeof TensorType, readonly [number, number]>> = {
  INT4: [-8, 7],
  UINT4: [0, 15],
  INT8: [-128, 127],
  UINT8: [0, 255],
  INT16: [-32768, 32767],
  UINT16: [0, 65535],
};
const TYPE_NAMES = new Map(
  Object.entries(TensorType).map(([name, code]) => [code as number, name as keyof typeof TensorType]),
);

export function quantizationProblem(t: TensorT, shape: readonly number[]): QuantProblem | undefined {
  const q = t.quantization;
  if (q === undefined) return undefined;
  const scale = q.scale ?? [];
  const zp = q.zero_point ?? [];
  if (scale.length !== zp.length) {
    return { message: `${scale.length} scales but ${zp.length} zero points`, field: 'zero_point' };
  }
  if (scale.length > 1) {
    if (q.quantized_dimension < 0 || q.quantized_dimension >= shape.length) {
      return {
        message: `quantized_dimension ${q.quantized_dimension} is not below the rank ${shape.length}`,
        field: 'quantized_dimension',
      };
    }
    const dim = shape[q.quantized_dimension]!;
    if (scale.length !== dim) {
      return {
        message: `${scale.length} scales for dimension ${q.quantized_dimension} of size ${dim}`,
        field: 'scale',
      };
    }
  }
  const bad = scale.findIndex((s) => !(Number.isFinite(s) && s > 0));
  if (bad >= 0) return { message: `scale ${scale[bad]} is not a finite positive number`, field: `scale[${bad}]` };
  const type = TYPE_NAMES.get(t.type);
  const range = type === undefined ? undefined : ZERO_POINT_RANGE[type];
  if (range !== undefined) {
    const i = zp.findIndex((z) => !(Number(z) >= range[0] && Number(z) <= range[1]));
    if (i >= 0) {
      return {
        message: `zero point ${zp[i]} is outside [${range[0]}, ${range[1]}] for ${type}`,
        field: `zero_point[${i}]`,
      };
    }
  }
  return undefined;
}
