// Element types, with ONNX semantics and TypeScript names.

export const DATA_TYPES = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'int4',
  'uint4',
  'int2',
  'uint2',
  'bool',
  'string',
  'complex64',
  'complex128',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'float8e8m0',
  'float4e2m1',
] as const;

export type DataType = (typeof DATA_TYPES)[number];

const BITS: Record<DataType, number> = {
  float32: 32,
  float16: 16,
  bfloat16: 16,
  float64: 64,
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  uint8: 8,
  uint16: 16,
  uint32: 32,
  uint64: 64,
  int4: 4,
  uint4: 4,
  int2: 2,
  uint2: 2,
  bool: 8,
  string: 0,
  complex64: 64,
  complex128: 128,
  float8e4m3fn: 8,
  float8e4m3fnuz: 8,
  float8e5m2: 8,
  float8e5m2fnuz: 8,
  float8e8m0: 8,
  float4e2m1: 4,
};

export function isDataType(s: string): s is DataType {
  return Object.hasOwn(BITS, s);
}

/** Bits per element; 0 for string (variable length). */
export function bitsOf(dtype: DataType): number {
  return BITS[dtype];
}

/** Bytes needed to store `count` elements (sub-byte types packed, rounded up). NaN for string. */
export function byteLengthOf(dtype: DataType, count: number): number {
  if (dtype === 'string') return Number.NaN;
  return Math.ceil((BITS[dtype] * count) / 8);
}

export function isFloatType(dtype: DataType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

export function isIntegerType(dtype: DataType): boolean {
  return /^u?int\d+$/.test(dtype);
}

export function isSignedInteger(dtype: DataType): boolean {
  return /^int\d+$/.test(dtype);
}

/** Inclusive value range of an integer type (used by quantizers for clamping). */
export function integerRange(dtype: DataType): { min: number; max: number } {
  if (!isIntegerType(dtype)) throw new TypeError(`not an integer type: ${dtype}`);
  const bits = BITS[dtype];
  if (isSignedInteger(dtype)) return { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 };
  return { min: 0, max: 2 ** bits - 1 };
}

/** Element count of a shape; 1 for a scalar. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
