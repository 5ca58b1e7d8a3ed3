// TensorData <-> onnxruntime tensors. Only dtypes onnxruntime's JS API carries are accepted.
import { RuntimeError, UnsupportedError, type DataType, type TypedArray } from '@enxuto/ir';
import type { OrtModule, OrtTensor } from './ort-types.js';
import type { TensorData } from '@enxuto/pass';

const ORT_TYPES = new Set<DataType>([
  'float32',
  'float16',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
]);

/** True when onnxruntime's JS API can carry tensors of this dtype in TensorData. */
export function isRuntimeDtype(dtype: DataType | undefined): dtype is DataType {
  return dtype !== undefined && ORT_TYPES.has(dtype);
}

/** Element count a shape holds, checked (no negative or fractional dims). */
function elementCount(shape: readonly number[], where: { model: string; input: string }): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RuntimeError(`invalid dimension ${d} in shape [${shape.join(',')}]`, {
        code: 'runtime/bad-shape',
        file: where.model,
        value: where.input,
        field: 'shape',
      });
    }
    n *= d;
  }
  return n;
}

export function toOrtTensor(ort: OrtModule, t: TensorData, where: { model: string; input: string }): OrtTensor {
  if (!isRuntimeDtype(t.dtype)) {
    throw new UnsupportedError(`unsupported: dtype ${t.dtype} cannot be fed to onnxruntime`, {
      code: 'runtime/unsupported-dtype',
      file: where.model,
      value: where.input,
      field: 'dtype',
    });
  }
  const n = elementCount(t.shape, where);
  if (t.data.length !== n) {
    throw new RuntimeError(`shape [${t.shape.join(',')}] needs ${n} elements, data has ${t.data.length}`, {
      code: 'runtime/bad-shape',
      file: where.model,
      value: where.input,
      field: 'shape',
    });
  }
  // ORT's constructor validates the array type against the dtype; translate its TypeError.
  try {
    return new ort.Tensor(t.dtype as OrtTensor['type'], t.data as never, t.shape);
  } catch (e) {
    throw new RuntimeError(`${t.dtype} tensor rejected: ${(e as Error).message}`, {
      code: 'runtime/bad-tensor',
      file: where.model,
      value: where.input,
      field: 'data',
      cause: e,
    });
  }
}

export function fromOrtTensor(t: OrtTensor, where: { model: string; output: string }): TensorData {
  const dtype = t.type as DataType;
  if (!isRuntimeDtype(dtype)) {
    throw new UnsupportedError(`unsupported: output of type ${t.type} cannot be returned as TensorData`, {
      code: 'runtime/unsupported-dtype',
      file: where.model,
      value: where.output,
      field: 'dtype',
    });
  }
  return { dtype, shape: [...t.dims], data: t.data as TypedArray };
}
