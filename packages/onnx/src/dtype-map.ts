// ONNX TensorProto.DataType numbers <-> IR DataType names.
import type { DataType } from '@enxuto/ir';

const BY_CODE: readonly (DataType | undefined)[] = [
  undefined,
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'uint4',
  'int4',
  'float4e2m1',
  'float8e8m0',
  'uint2',
  'int2',
];

const BY_NAME = new Map<DataType, number>(
  BY_CODE.flatMap((d, i) => (d === undefined ? [] : [[d, i] as [DataType, number]])),
);

/** The IR type of an ONNX data_type/elem_type number; undefined for UNDEFINED (0) and unknown codes. */
export function dataTypeFromOnnx(code: number | undefined): DataType | undefined {
  return code === undefined || !Number.isInteger(code) || code < 0 ? undefined : BY_CODE[code];
}

export function dataTypeToOnnx(dtype: DataType): number {
  const code = BY_NAME.get(dtype);
  if (code === undefined) throw new TypeError(`no ONNX data type for ${dtype}`);
  return code;
}
