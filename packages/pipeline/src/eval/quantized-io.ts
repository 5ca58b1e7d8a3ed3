// Datasets give real values (float32). A model whose input is quantized integers (a uint8/int8
// TFLite model, its lowering keeps the input's scale and zero point) takes them quantized with the
// input's own parameters, and its quantized outputs are read back as the reals they stand for, so
// accuracy and agreement mean the same for int8 and float models.
import {
  dequantizeValues,
  integerRange,
  type DataType,
  type Model,
  type QuantParams,
  type TypedArray,
} from '@enxuto/ir';
import type { TensorData } from '@enxuto/runtime';

const INTEGER_ARRAYS: Partial<Record<DataType, new (n: number) => TypedArray>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
};

function perTensor(q: QuantParams | undefined, dtype: DataType | undefined): q is QuantParams {
  return q !== undefined && dtype !== undefined && INTEGER_ARRAYS[dtype] !== undefined && q.scale.length === 1;
}

/** Makes the feed for the model's data input `name` from float samples. */
export function feedMaker(model: Model, name: string): (data: Float32Array, shape: number[]) => TensorData {
  const input = model.graph.inputs.find((v) => v.name === name);
  const q = input?.quant;
  const dtype = input?.dtype;
  if (!perTensor(q, dtype)) return (data, shape) => ({ dtype: 'float32', shape, data });
  const { min, max } = integerRange(dtype!);
  const scale = q.scale[0]!;
  const zero = q.zeroPoint[0]!;
  const Ints = INTEGER_ARRAYS[dtype!]!;
  return (data, shape) => {
    const out = new Ints(data.length);
    // Round half to even, as QuantizeLinear and TFLite's QUANTIZE do.
    for (let i = 0; i < data.length; i++) {
      const x = data[i]! / scale;
      const r = Math.round(x);
      const even = Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      out[i] = Math.min(max, Math.max(min, even + zero));
    }
    return { dtype: dtype!, shape, data: out };
  };
}

/** Real values of the model's output `name` (dequantized when the output is quantized integers). */
export function outputReader(model: Model, name: string): (t: TensorData) => Float32Array {
  const output = model.graph.outputs.find((v) => v.name === name);
  const q = output?.quant;
  if (!perTensor(q, output?.dtype)) {
    return (t) => (t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number));
  }
  return (t) => dequantizeValues(t.data as ArrayLike<number>, q, t.shape);
}
