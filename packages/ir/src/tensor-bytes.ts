// Raw little-endian bytes <-> values for every numeric dtype, sub-byte packing included: how
// tensors decode their data and how new ones are encoded.
import { bitsOf, type DataType } from './dtype.js';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';
import type { TypedArray } from './tensor.js';

/** Decode raw bytes of a numeric dtype into its natural typed array (copying only when unaligned). */
export function decodeBytes(dtype: DataType, bytes: Uint8Array, count: number): TypedArray {
  const aligned = (size: number): ArrayBuffer | SharedArrayBuffer => {
    if (bytes.byteOffset % size === 0) return bytes.buffer;
    return bytes.slice().buffer;
  };
  const off = (size: number) => (bytes.byteOffset % size === 0 ? bytes.byteOffset : 0);
  switch (dtype) {
    case 'float32':
      return new Float32Array(aligned(4), off(4), count);
    case 'float64':
      return new Float64Array(aligned(8), off(8), count);
    case 'complex64':
      return new Float32Array(aligned(4), off(4), count * 2);
    case 'complex128':
      return new Float64Array(aligned(8), off(8), count * 2);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, count);
    case 'int16':
      return new Int16Array(aligned(2), off(2), count);
    case 'int32':
      return new Int32Array(aligned(4), off(4), count);
    case 'int64':
      return new BigInt64Array(aligned(8), off(8), count);
    case 'uint16':
      return new Uint16Array(aligned(2), off(2), count);
    case 'uint32':
      return new Uint32Array(aligned(4), off(4), count);
    case 'uint64':
      return new BigUint64Array(aligned(8), off(8), count);
    case 'float16':
    case 'bfloat16': {
      const raw = new Uint16Array(aligned(2), off(2), count);
      const out = new Float32Array(count);
      const conv = dtype === 'float16' ? float16ToFloat32 : bfloat16ToFloat32;
      for (let i = 0; i < count; i++) out[i] = conv(raw[i]!);
      return out;
    }
    case 'int4':
    case 'uint4':
    case 'int2':
    case 'uint2':
    case 'float4e2m1':
      return unpackSubByte(bytes, count, bitsOf(dtype), dtype === 'int4' || dtype === 'int2');
    case 'string':
      throw new TypeError('string tensors have no numeric values; use strings()');
    default:
      return new Uint8Array(bytes.buffer, bytes.byteOffset, count);
  }
}

/** Encode numbers (or bigints) as the raw little-endian bytes of `dtype`. */
export function encodeValues(dtype: DataType, values: ArrayLike<number | bigint>): Uint8Array {
  const n = values.length;
  const num = (i: number) => Number(values[i]!);
  switch (dtype) {
    case 'float32':
      return asBytes(Float32Array.from({ length: n }, (_, i) => num(i)));
    case 'float64':
      return asBytes(Float64Array.from({ length: n }, (_, i) => num(i)));
    case 'int8':
      return asBytes(Int8Array.from({ length: n }, (_, i) => num(i)));
    case 'int16':
      return asBytes(Int16Array.from({ length: n }, (_, i) => num(i)));
    case 'int32':
      return asBytes(Int32Array.from({ length: n }, (_, i) => num(i)));
    case 'uint16':
      return asBytes(Uint16Array.from({ length: n }, (_, i) => num(i)));
    case 'uint32':
      return asBytes(Uint32Array.from({ length: n }, (_, i) => num(i)));
    case 'int64':
      return asBytes(BigInt64Array.from({ length: n }, (_, i) => BigInt(values[i]!)));
    case 'uint64':
      return asBytes(BigUint64Array.from({ length: n }, (_, i) => BigInt(values[i]!)));
    case 'float16':
      return asBytes(Uint16Array.from({ length: n }, (_, i) => float32ToFloat16(num(i))));
    case 'bfloat16':
      return asBytes(Uint16Array.from({ length: n }, (_, i) => float32ToBfloat16(num(i))));
    case 'bool':
      return Uint8Array.from({ length: n }, (_, i) => (num(i) ? 1 : 0));
    case 'int4':
    case 'uint4':
    case 'int2':
    case 'uint2':
    case 'float4e2m1':
      return packSubByte(
        Array.from({ length: n }, (_, i) => num(i)),
        bitsOf(dtype),
      );
    case 'string':
      throw new TypeError('use stringTensor() for strings');
    case 'complex64':
    case 'complex128':
      throw new TypeError(`encode ${dtype} from raw bytes with tensorFromBytes()`);
    default:
      return Uint8Array.from({ length: n }, (_, i) => num(i));
  }
}

export function asBytes(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Pack 4- or 2-bit values, low bits first (ONNX and TFLite order). */
export function packSubByte(values: ArrayLike<number>, bits: number): Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) {
    out[(i / perByte) | 0]! |= (values[i]! & mask) << ((i % perByte) * bits);
  }
  return out;
}

export function unpackSubByte(bytes: Uint8Array, count: number, bits: number, signed: boolean): Int8Array | Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  const signBit = 1 << (bits - 1);
  for (let i = 0; i < count; i++) {
    let v = (bytes[(i / perByte) | 0]! >> ((i % perByte) * bits)) & mask;
    if (signed && v & signBit) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}
