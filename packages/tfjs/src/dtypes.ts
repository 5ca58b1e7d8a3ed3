// Element types: TensorFlow's DataType enum (GraphDef attrs) and the TF.js weights-manifest dtypes,
// both mapped to IR dtypes through fixed tables.
import type { DataType } from '@enxuto/ir';

const TF_ENUM: Record<number, DataType> = {
  1: 'float32',
  2: 'float64',
  3: 'int32',
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  7: 'string',
  8: 'complex64',
  9: 'int64',
  10: 'bool',
  14: 'bfloat16',
  17: 'uint16',
  19: 'float16',
  22: 'uint32',
  23: 'uint64',
};

const TF_ENUM_NAMES: Record<string, number> = {
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_BFLOAT16: 14,
  DT_UINT16: 17,
  DT_HALF: 19,
  DT_UINT32: 22,
  DT_UINT64: 23,
};

/** IR dtype of a GraphDef DataType (number or 'DT_FLOAT' name); undefined when unknown. */
export function dtypeFromTfEnum(v: unknown): DataType | undefined {
  const n = typeof v === 'string' ? (Object.hasOwn(TF_ENUM_NAMES, v) ? TF_ENUM_NAMES[v] : undefined) : v;
  return typeof n === 'number' && Object.hasOwn(TF_ENUM, n) ? TF_ENUM[n] : undefined;
}

/** GraphDef DataType enum for an IR dtype as TF.js runs it (TF.js has no int64: it runs int32). */
export function tfEnumOf(dtype: DataType): number {
  switch (dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
    case 'float64':
      return 1;
    case 'bool':
      return 10;
    case 'string':
      return 7;
    case 'complex64':
      return 8;
    default:
      return 3;
  }
}

export function tfEnumName(dtype: DataType): string {
  const n = tfEnumOf(dtype);
  return Object.keys(TF_ENUM_NAMES).find((k) => TF_ENUM_NAMES[k] === n)!;
}

/** Weights-manifest dtypes TF.js can load. */
export type ManifestDtype = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
export const MANIFEST_DTYPES: readonly ManifestDtype[] = ['float32', 'int32', 'bool', 'string', 'complex64'];

export function isManifestDtype(s: unknown): s is ManifestDtype {
  return typeof s === 'string' && (MANIFEST_DTYPES as readonly string[]).includes(s);
}

export type QuantDtype = 'uint8' | 'uint16' | 'float16';
export const QUANT_DTYPES: readonly QuantDtype[] = ['uint8', 'uint16', 'float16'];

export function isQuantDtype(s: unknown): s is QuantDtype {
  return typeof s === 'string' && (QUANT_DTYPES as readonly string[]).includes(s);
}

/** Bytes per stored element of a (non-string) manifest or quantization dtype. */
export function storedBytes(dtype: ManifestDtype | QuantDtype): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'complex64':
      return 8;
    case 'bool':
    case 'uint8':
      return 1;
    case 'uint16':
    case 'float16':
      return 2;
    case 'string':
      return 0;
  }
}

/** ONNX TensorProto.DataType codes (for Cast's `to`). */
export function onnxTypeCode(t: DataType): number {
  const codes: Partial<Record<DataType, number>> = {
    float32: 1,
    uint8: 2,
    int8: 3,
    uint16: 4,
    int16: 5,
    int32: 6,
    int64: 7,
    string: 8,
    bool: 9,
    float16: 10,
    float64: 11,
    uint32: 12,
    uint64: 13,
    bfloat16: 16,
  };
  return codes[t] ?? 1;
}

export function dtypeOfOnnxCode(code: number): DataType | undefined {
  const table: Record<number, DataType> = {
    1: 'float32',
    2: 'uint8',
    3: 'int8',
    4: 'uint16',
    5: 'int16',
    6: 'int32',
    7: 'int64',
    8: 'string',
    9: 'bool',
    10: 'float16',
    11: 'float64',
    12: 'uint32',
    13: 'uint64',
    16: 'bfloat16',
  };
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

/**
 * The dtype TF.js computes a tensor of this TF dtype in: its tensors are float32, int32, bool,
 * string or complex64 only (parseDtypeParam in tfjs-converter). A TF.js model read into the IR
 * holds these, so the IR computes what TF.js computes (a cast to uint8 does not wrap, int64 is int32).
 */
export function tfjsRunDtype(d: DataType): DataType {
  switch (d) {
    case 'float16':
    case 'bfloat16':
    case 'float64':
      return 'float32';
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int64':
    case 'uint32':
    case 'uint64':
      return 'int32';
    default:
      return d;
  }
}
