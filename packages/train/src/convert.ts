// IR tensors <-> TF.js tensors. TF.js has float32, int32 and bool only: floats of any width become
// float32, integers int32 (saturated: int64 sentinels like INT64_MAX still read as "huge"), bool
// stays bool. Strings and complex numbers are not supported.
import * as tf from '@tensorflow/tfjs';
import { isFloatType, isIntegerType, tensorFromValues, UnsupportedError, type DataType, type Tensor } from '@enxuto/ir';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The TF.js dtype an ONNX element type computes in. */
export function tfDtypeOf(
  dtype: DataType,
  where: { node?: string; value?: string } = {},
): 'float32' | 'int32' | 'bool' {
  if (isFloatType(dtype)) return 'float32';
  if (isIntegerType(dtype)) return 'int32';
  if (dtype === 'bool') return 'bool';
  throw new UnsupportedError(`element type ${dtype} is not supported by the TF.js runtime`, {
    code: 'train/dtype',
    ...where,
  });
}

function saturatedInt32(values: ArrayLike<number | bigint>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]!);
    out[i] = v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v;
  }
  return out;
}

/** Copies an IR tensor into a new TF.js tensor. */
export function toTf(t: Tensor, where: { node?: string; value?: string } = {}): tf.Tensor {
  const dtype = tfDtypeOf(t.dtype, where);
  const shape = [...t.shape];
  if (dtype === 'float32') return tf.tensor(t.toFloat32().slice(), shape, 'float32');
  const v = t.values();
  if (dtype === 'bool')
    return tf.tensor(
      Uint8Array.from(v as ArrayLike<number>, (x) => (x ? 1 : 0)),
      shape,
      'bool',
    );
  return tf.tensor(v instanceof Int32Array ? v.slice() : saturatedInt32(v), shape, 'int32');
}

/** Reads a TF.js tensor back into an IR tensor of element type `dtype`. */
export function fromTf(
  t: tf.Tensor,
  dtype: DataType = t.dtype === 'bool' ? 'bool' : t.dtype === 'int32' ? 'int32' : 'float32',
): Tensor {
  const data = t.dataSync();
  if (dtype === 'float32' && data instanceof Float32Array) return tensorFromValues('float32', t.shape, data.slice());
  return tensorFromValues(dtype, t.shape, data as ArrayLike<number>);
}
