// Tensors: constant data in the IR. `Tensor` is an interface with several implementations so that
// big weights stay where they are (a view on the file buffer, or a lazily read file region) until a
// pass really needs their values. Tensors are immutable: passes make new ones.
import { bitsOf, byteLengthOf, isFloatType, shapeSize, type DataType } from './dtype.js';
import { asBytes, decodeBytes, encodeValues } from './tensor-bytes.js';
import { FormatError } from './errors.js';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface Tensor {
  readonly dtype: DataType;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** Bytes of the raw little-endian encoding (packed for sub-byte types; for strings, the sum of lengths). */
  readonly byteLength: number;
  /** True while the data has not been loaded from its file. */
  readonly isLazy: boolean;
  /** Raw little-endian bytes; may be a view into a file buffer: never write into it. */
  bytes(): Uint8Array;
  /**
   * Element values in their natural typed array: float16/bfloat16 decode to Float32Array, int64 to
   * BigInt64Array, int4/int2 unpack to Int8Array, uint4/uint2/bool/float8 to Uint8Array (float8 and
   * float4 stay raw codes).
   */
  values(): TypedArray;
  /** Values as float32 (any numeric type; int64 via Number). */
  toFloat32(): Float32Array;
  /** Strings, for dtype 'string' only. */
  strings(): readonly Uint8Array[];
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new FormatError(`invalid tensor dimension ${d}`, { code: 'tensor/bad-dim', field: 'dims' });
    }
  }
}

function toFloat32Of(t: Tensor): Float32Array {
  const v = t.values();
  if (v instanceof Float32Array) return v;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Number(v[i]!);
  return out;
}

abstract class NumericTensor implements Tensor {
  readonly size: number;
  private cached: TypedArray | undefined;
  constructor(
    readonly dtype: DataType,
    readonly shape: readonly number[],
  ) {
    checkShape(shape);
    this.size = shapeSize(shape);
  }
  abstract readonly byteLength: number;
  abstract readonly isLazy: boolean;
  abstract bytes(): Uint8Array;
  values(): TypedArray {
    this.cached ??= decodeBytes(this.dtype, this.bytes(), this.size);
    return this.cached;
  }
  toFloat32(): Float32Array {
    return toFloat32Of(this);
  }
  strings(): readonly Uint8Array[] {
    throw new TypeError(`tensor of ${this.dtype} has no strings`);
  }
}

/** Bytes in memory: either owned or a view into a file buffer (never copied on read). */
export class DenseTensor extends NumericTensor {
  readonly isLazy = false;
  readonly byteLength: number;
  constructor(
    dtype: DataType,
    shape: readonly number[],
    private readonly data: Uint8Array,
  ) {
    super(dtype, shape);
    const want = byteLengthOf(dtype, this.size);
    if (data.byteLength !== want) {
      throw new FormatError(
        `tensor data has ${data.byteLength} bytes, but ${dtype}[${shape.join(',')}] needs ${want}`,
        { code: 'tensor/size-mismatch', field: 'raw_data' },
      );
    }
    this.byteLength = want;
  }
  bytes(): Uint8Array {
    return this.data;
  }
}

/** A region of a file (external data, weight shard) read only when its bytes are asked for. */
export class LazyTensor extends NumericTensor {
  readonly byteLength: number;
  private loaded: Uint8Array | undefined;
  constructor(
    dtype: DataType,
    shape: readonly number[],
    private readonly load: () => Uint8Array,
    /** Where the bytes live, for reports and writers that can copy file regions directly. */
    readonly source?: { path: string; offset: number; length: number },
  ) {
    super(dtype, shape);
    this.byteLength = byteLengthOf(dtype, this.size);
  }
  get isLazy(): boolean {
    return this.loaded === undefined;
  }
  bytes(): Uint8Array {
    if (this.loaded === undefined) {
      const b = this.load();
      if (b.byteLength !== this.byteLength) {
        throw new FormatError(`lazy tensor loaded ${b.byteLength} bytes, expected ${this.byteLength}`, {
          code: 'tensor/size-mismatch',
          field: 'external_data.length',
          ...(this.source ? { file: this.source.path } : {}),
        });
      }
      this.loaded = b;
    }
    return this.loaded;
  }
}

/** Variable-length byte strings (ONNX STRING). */
export class StringTensor implements Tensor {
  readonly dtype = 'string' as const;
  readonly isLazy = false;
  readonly size: number;
  readonly byteLength: number;
  constructor(
    readonly shape: readonly number[],
    private readonly items: readonly Uint8Array[],
  ) {
    checkShape(shape);
    this.size = shapeSize(shape);
    if (items.length !== this.size) {
      throw new FormatError(`string tensor has ${items.length} items, shape needs ${this.size}`, {
        code: 'tensor/size-mismatch',
        field: 'string_data',
      });
    }
    this.byteLength = items.reduce((s, b) => s + b.byteLength, 0);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let o = 0;
    for (const b of this.items) {
      out.set(b, o);
      o += b.byteLength;
    }
    return out;
  }
  values(): TypedArray {
    throw new TypeError('string tensors have no numeric values; use strings()');
  }
  toFloat32(): Float32Array {
    throw new TypeError('string tensors have no numeric values');
  }
  strings(): readonly Uint8Array[] {
    return this.items;
  }
}

/**
 * A sparse tensor (COO): the written form of a pruned weight where smaller. Behaves as the dense
 * tensor it stands for; `values`/`indices` keep the compact form for writers.
 */
export class SparseTensor extends NumericTensor {
  readonly isLazy = false;
  readonly byteLength: number;
  private dense: Uint8Array | undefined;
  constructor(
    dtype: DataType,
    shape: readonly number[],
    /** Non-zero values, 1-D. */
    readonly nonZero: Tensor,
    /** int64 indices: [nnz] linear or [nnz, rank] coordinates (ONNX SparseTensorProto rules). */
    readonly indices: Tensor,
  ) {
    super(dtype, shape);
    this.byteLength = byteLengthOf(dtype, this.size);
    if (bitsOf(dtype) < 8) {
      throw new FormatError(`sparse tensors of ${dtype} are not supported`, { code: 'tensor/sparse-dtype' });
    }
  }
  bytes(): Uint8Array {
    if (this.dense) return this.dense;
    const elem = bitsOf(this.dtype) / 8;
    const out = new Uint8Array(this.byteLength);
    const vals = this.nonZero.bytes();
    const nnz = this.nonZero.size;
    const idx = this.indices.values();
    const rank = this.shape.length;
    const coords = this.indices.shape.length === 2;
    for (let k = 0; k < nnz; k++) {
      let lin = 0;
      if (coords) {
        for (let d = 0; d < rank; d++) lin = lin * this.shape[d]! + Number(idx[k * rank + d]!);
      } else {
        lin = Number(idx[k]!);
      }
      if (lin < 0 || lin >= this.size) {
        throw new FormatError(`sparse index ${lin} outside tensor of ${this.size} elements`, {
          code: 'tensor/sparse-index',
          field: 'indices',
        });
      }
      out.set(vals.subarray(k * elem, (k + 1) * elem), lin * elem);
    }
    this.dense = out;
    return out;
  }
}

/** A tensor over raw bytes (no copy). */
export function tensorFromBytes(dtype: DataType, shape: readonly number[], bytes: Uint8Array): Tensor {
  return new DenseTensor(dtype, shape, bytes);
}

/** A tensor from numbers/bigints, encoded to `dtype`. Float arrays of the same type are viewed, not copied. */
export function tensorFromValues(
  dtype: DataType,
  shape: readonly number[],
  values: ArrayLike<number | bigint>,
): Tensor {
  if (dtype === 'float32' && values instanceof Float32Array) return new DenseTensor(dtype, shape, asBytes(values));
  if (dtype === 'int32' && values instanceof Int32Array) return new DenseTensor(dtype, shape, asBytes(values));
  if (dtype === 'int8' && values instanceof Int8Array) return new DenseTensor(dtype, shape, asBytes(values));
  if (dtype === 'uint8' && values instanceof Uint8Array) return new DenseTensor(dtype, shape, values);
  if (dtype === 'int64' && values instanceof BigInt64Array) return new DenseTensor(dtype, shape, asBytes(values));
  return new DenseTensor(dtype, shape, encodeValues(dtype, values));
}

export function float32Tensor(shape: readonly number[], values: ArrayLike<number>): Tensor {
  return tensorFromValues('float32', shape, values instanceof Float32Array ? values : Float32Array.from(values));
}

export function int64Tensor(shape: readonly number[], values: ArrayLike<number | bigint>): Tensor {
  return tensorFromValues('int64', shape, values);
}

export function scalarTensor(dtype: DataType, value: number | bigint): Tensor {
  return tensorFromValues(dtype, [], [value]);
}

export function stringTensor(shape: readonly number[], items: readonly (string | Uint8Array)[]): Tensor {
  const enc = new TextEncoder();
  return new StringTensor(
    shape,
    items.map((s) => (typeof s === 'string' ? enc.encode(s) : s)),
  );
}

/** Same data, new shape (sizes must agree). */
export function reshapeTensor(t: Tensor, shape: readonly number[]): Tensor {
  if (shapeSize(shape) !== t.size) throw new TypeError(`cannot reshape ${t.size} elements to [${shape.join(',')}]`);
  if (t.dtype === 'string') return new StringTensor(shape, t.strings());
  return new DenseTensor(t.dtype, shape, t.bytes());
}

/** True when both tensors have the same dtype, shape and bytes. */
export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if (a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.bytes();
  const y = b.bytes();
  if (x.byteLength !== y.byteLength) return false;
  for (let i = 0; i < x.byteLength; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** True for dtypes whose values() are real numbers usable by numeric kernels. */
export function isNumericTensor(t: Tensor): boolean {
  return t.dtype !== 'string' && (isFloatType(t.dtype) || /int|bool/.test(t.dtype));
}
