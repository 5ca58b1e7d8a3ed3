// Name lookups and element sizes for the generated TFLite enums.
import type { DataType } from '@enxuto/ir';
import { BuiltinOperator, TensorType, type OperatorCodeT } from './schema.generated.js';

function invert(table: Record<string, number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, code] of Object.entries(table)) if (!out.has(code)) out.set(code, name);
  return out;
}

const OPERATOR_NAMES = invert(BuiltinOperator);
const TENSOR_TYPE_NAMES = invert(TensorType);

export function builtinOperatorName(code: number): string | undefined {
  return OPERATOR_NAMES.get(code);
}

export function tensorTypeName(code: number): string | undefined {
  return TENSOR_TYPE_NAMES.get(code);
}

/**
 * The builtin code of an operator code: files from before schema 3a only set the byte-sized
 * `deprecated_builtin_code`, newer ones set both (TFLite itself takes the larger).
 */
export function builtinCodeOf(opcode: OperatorCodeT): number {
  return Math.max(opcode.builtin_code, opcode.deprecated_builtin_code);
}

/** Bits per element of a TFLite tensor type; 0 for types with no fixed size (string, resource, variant). */
export const TENSOR_TYPE_BITS: Record<number, number> = {
  [TensorType.FLOAT32]: 32,
  [TensorType.FLOAT16]: 16,
  [TensorType.INT32]: 32,
  [TensorType.UINT8]: 8,
  [TensorType.INT64]: 64,
  [TensorType.STRING]: 0,
  [TensorType.BOOL]: 8,
  [TensorType.INT16]: 16,
  [TensorType.COMPLEX64]: 64,
  [TensorType.INT8]: 8,
  [TensorType.FLOAT64]: 64,
  [TensorType.COMPLEX128]: 128,
  [TensorType.UINT64]: 64,
  [TensorType.RESOURCE]: 0,
  [TensorType.VARIANT]: 0,
  [TensorType.UINT32]: 32,
  [TensorType.UINT16]: 16,
  [TensorType.INT4]: 4,
  [TensorType.BFLOAT16]: 16,
  [TensorType.INT2]: 2,
  [TensorType.UINT4]: 4,
  [TensorType.FLOAT8_E4M3FN]: 8,
  [TensorType.FLOAT8_E5M2]: 8,
};

/** TFLite tensor type -> IR data type (undefined for resource/variant, which the IR has no type for). */
export const TENSOR_TYPE_TO_DTYPE: Record<number, DataType | undefined> = {
  [TensorType.FLOAT32]: 'float32',
  [TensorType.FLOAT16]: 'float16',
  [TensorType.INT32]: 'int32',
  [TensorType.UINT8]: 'uint8',
  [TensorType.INT64]: 'int64',
  [TensorType.STRING]: 'string',
  [TensorType.BOOL]: 'bool',
  [TensorType.INT16]: 'int16',
  [TensorType.COMPLEX64]: 'complex64',
  [TensorType.INT8]: 'int8',
  [TensorType.FLOAT64]: 'float64',
  [TensorType.COMPLEX128]: 'complex128',
  [TensorType.UINT64]: 'uint64',
  [TensorType.UINT32]: 'uint32',
  [TensorType.UINT16]: 'uint16',
  [TensorType.INT4]: 'int4',
  [TensorType.BFLOAT16]: 'bfloat16',
  [TensorType.INT2]: 'int2',
  [TensorType.UINT4]: 'uint4',
  [TensorType.FLOAT8_E4M3FN]: 'float8e4m3fn',
  [TensorType.FLOAT8_E5M2]: 'float8e5m2',
};

const DTYPE_TO_TENSOR_TYPE = new Map<DataType, number>(
  Object.entries(TENSOR_TYPE_TO_DTYPE)
    .filter((e): e is [string, DataType] => e[1] !== undefined)
    .map(([code, dtype]) => [dtype, Number(code)]),
);

export function tensorTypeOf(dtype: DataType): number | undefined {
  return DTYPE_TO_TENSOR_TYPE.get(dtype);
}
