// TensorProto / SparseTensorProto -> IR Tensor. Every size is checked against what the file holds
// before anything is allocated; raw_data and string_data stay views into the file buffer.
import {
  DenseTensor,
  LazyTensor,
  SparseTensor,
  StringTensor,
  bitsOf,
  byteLengthOf,
  type DataType,
  type Tensor,
} from '@enxuto/ir';
import { dataTypeFromOnnx } from '../dtype-map.js';
import { parseExternalData } from '../external/location.js';
import { int64ToBigInt, int64ToSafeNumber } from '../schema/int64.js';
import type { Int64, SparseTensorProto, TensorProto } from '../schema/messages.js';
import { markTypedFields } from '../tensor-form.js';
import { formatError, has, unsupported, type ReadContext } from './context.js';

export interface TensorWhere {
  /** Value (initializer) or tensor name. */
  value?: string;
  node?: string;
  /** Field path of the tensor, e.g. 'initializer' or 'attribute value'. */
  field: string;
}

/** Dense data of a sparse tensor is materialized on demand; refuse sizes no machine can hold. */
const MAX_SPARSE_DENSE_BYTES = 2 ** 31;

type TypedField = 'floatData' | 'int32Data' | 'stringData' | 'int64Data' | 'doubleData' | 'uint64Data';
const TYPED_FIELDS: readonly TypedField[] = [
  'floatData',
  'int32Data',
  'stringData',
  'int64Data',
  'doubleData',
  'uint64Data',
];
const PROTO_FIELD: Record<TypedField | 'rawData', string> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  stringData: 'string_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
  rawData: 'raw_data',
};

/** The typed field ONNX uses for a dtype. */
export function typedFieldOf(dtype: DataType): TypedField {
  switch (dtype) {
    case 'float32':
    case 'complex64':
      return 'floatData';
    case 'float64':
    case 'complex128':
      return 'doubleData';
    case 'int64':
      return 'int64Data';
    case 'uint32':
    case 'uint64':
      return 'uint64Data';
    case 'string':
      return 'stringData';
    default:
      return 'int32Data';
  }
}

/** Number of typed-field entries for `size` elements (complex: 2 each; sub-byte: packed bytes). */
export function typedCountOf(dtype: DataType, size: number): number {
  if (dtype === 'complex64' || dtype === 'complex128') return size * 2;
  if (dtype === 'int4' || dtype === 'uint4' || dtype === 'float4e2m1') return Math.ceil(size / 2);
  if (dtype === 'int2' || dtype === 'uint2') return Math.ceil(size / 4);
  return size;
}

export function readShapeDims(
  ctx: ReadContext,
  dims: readonly Int64[] | undefined,
  where: TensorWhere,
  field = 'dims',
): { shape: number[]; size: number } {
  const shape: number[] = [];
  let size = 1;
  for (const [i, d] of (dims ?? []).entries()) {
    const n = int64ToSafeNumber(d);
    if (n === undefined || n < 0) {
      throw formatError(ctx, 'onnx/bad-dim', `${field}[${i}] = ${int64ToBigInt(d)} is negative or beyond 2^53`, {
        ...where,
        field: `${where.field}.${field}`,
      });
    }
    shape.push(n);
    size *= n;
  }
  if (!Number.isSafeInteger(size)) {
    throw formatError(ctx, 'onnx/bad-dim', `${field} [${shape.join(',')}] hold more than 2^53 elements`, {
      ...where,
      field: `${where.field}.${field}`,
    });
  }
  return { shape, size };
}

function typedToBytes(t: TensorProto, field: TypedField, dtype: DataType, count: number): Uint8Array {
  const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  switch (field) {
    case 'floatData':
      return asBytes(Float32Array.from(t.floatData!));
    case 'doubleData':
      return asBytes(Float64Array.from(t.doubleData!));
    case 'int64Data':
      return asBytes(BigInt64Array.from(t.int64Data!, (v) => int64ToBigInt(v)));
    case 'uint64Data':
      if (dtype === 'uint32')
        return asBytes(Uint32Array.from(t.uint64Data!, (v) => Number(BigInt.asUintN(32, int64ToBigInt(v, true)))));
      return asBytes(BigUint64Array.from(t.uint64Data!, (v) => int64ToBigInt(v, true)));
    case 'int32Data': {
      const src = t.int32Data!;
      switch (dtype) {
        case 'int32':
          return asBytes(Int32Array.from(src));
        case 'int16':
        case 'uint16':
        case 'float16':
        case 'bfloat16':
          return asBytes(Uint16Array.from(src, (v) => v & 0xffff));
        default: {
          // one byte per entry: 8-bit types, bool, float8, and packed 4-/2-bit pairs/quads
          const out = new Uint8Array(count);
          for (let i = 0; i < count; i++) out[i] = src[i]! & 0xff;
          return out;
        }
      }
    }
    case 'stringData':
      throw new TypeError('string data is not converted to bytes');
  }
}

export function readTensor(ctx: ReadContext, t: TensorProto, where: TensorWhere): Tensor {
  const name = where.value ?? (t.name || undefined);
  const at = (field: string) => ({
    ...where,
    ...(name !== undefined ? { value: name } : {}),
    field: `${where.field}.${field}`,
  });
  if (has(t, 'segment')) throw unsupported(ctx, 'TensorProto.segment (chunked tensors)', at('segment'));
  const dtype = dataTypeFromOnnx(t.dataType);
  if (dtype === undefined) {
    const what = !has(t, 'dataType') || t.dataType === 0 ? 'is UNDEFINED' : `${t.dataType} is not a known type`;
    throw formatError(ctx, 'onnx/bad-dtype', `data_type ${what}`, at('data_type'));
  }
  const { shape, size } = readShapeDims(ctx, t.dims, { ...where, ...(name !== undefined ? { value: name } : {}) });

  const present: (TypedField | 'rawData')[] = [];
  if (has(t, 'rawData') && t.rawData!.byteLength > 0) present.push('rawData');
  for (const f of TYPED_FIELDS) if ((t[f]?.length ?? 0) > 0) present.push(f);
  const location = t.dataLocation ?? 0;
  if (location !== 0 && location !== 1)
    throw formatError(
      ctx,
      'onnx/bad-data-location',
      `data_location ${location} is neither DEFAULT nor EXTERNAL`,
      at('data_location'),
    );
  const external = location === 1;
  const hasExternalEntries = (t.externalData?.length ?? 0) > 0;

  if (external && present.length > 0) {
    throw formatError(
      ctx,
      'onnx/several-data-fields',
      `tensor is EXTERNAL but also has ${PROTO_FIELD[present[0]!]}`,
      at(PROTO_FIELD[present[0]!]),
    );
  }
  if (!external && hasExternalEntries) {
    throw formatError(
      ctx,
      'onnx/several-data-fields',
      'external_data is set but data_location is not EXTERNAL',
      at('external_data'),
    );
  }
  if (present.length > 1) {
    throw formatError(
      ctx,
      'onnx/several-data-fields',
      `tensor has several data fields: ${present.map((f) => PROTO_FIELD[f]).join(', ')}`,
      at(PROTO_FIELD[present[1]!]),
    );
  }
  const source = present[0];

  if (dtype === 'string') {
    if (external) throw unsupported(ctx, 'external data for string tensors', at('data_location'));
    if (source === 'rawData' || (source !== undefined && source !== 'stringData')) {
      throw formatError(
        ctx,
        'onnx/wrong-data-field',
        `string tensors must use string_data, not ${PROTO_FIELD[source]}`,
        at(PROTO_FIELD[source]),
      );
    }
    const items = t.stringData ?? [];
    if (items.length !== size) {
      throw formatError(
        ctx,
        'onnx/size-mismatch',
        `string_data has ${items.length} items, shape [${shape.join(',')}] needs ${size}`,
        at('string_data'),
      );
    }
    return new StringTensor(shape, items);
  }

  const byteLength = byteLengthOf(dtype, size);
  if (external) return readExternal(ctx, t, dtype, shape, byteLength, name ?? '', at);

  if (source === undefined) {
    if (size !== 0)
      throw formatError(ctx, 'onnx/missing-data', `tensor of ${size} elements has no data`, at('raw_data'));
    // An empty tensor written with an empty raw_data (numpy_helper) or with no data field at all
    // (make_tensor): remember which, so it is written back the same way.
    const empty = new DenseTensor(dtype, shape, new Uint8Array(0));
    return has(t, 'rawData') ? empty : markTypedFields(empty);
  }
  if (source === 'rawData') {
    const raw = t.rawData!;
    if (raw.byteLength !== byteLength) {
      throw formatError(
        ctx,
        'onnx/size-mismatch',
        `raw_data has ${raw.byteLength} bytes, ${dtype}[${shape.join(',')}] needs ${byteLength}`,
        at('raw_data'),
      );
    }
    return new DenseTensor(dtype, shape, raw);
  }
  const expected = typedFieldOf(dtype);
  if (source !== expected) {
    throw formatError(
      ctx,
      'onnx/wrong-data-field',
      `${dtype} tensors store values in ${PROTO_FIELD[expected]}, not ${PROTO_FIELD[source]}`,
      at(PROTO_FIELD[source]),
    );
  }
  const count = typedCountOf(dtype, size);
  const got = t[source]!.length;
  if (got !== count) {
    throw formatError(
      ctx,
      'onnx/size-mismatch',
      `${PROTO_FIELD[source]} has ${got} entries, ${dtype}[${shape.join(',')}] needs ${count}`,
      at(PROTO_FIELD[source]),
    );
  }
  return markTypedFields(new DenseTensor(dtype, shape, typedToBytes(t, source, dtype, count)));
}

function readExternal(
  ctx: ReadContext,
  t: TensorProto,
  dtype: DataType,
  shape: number[],
  byteLength: number,
  name: string,
  at: (field: string) => TensorWhere,
): Tensor {
  const loc = { file: ctx.file, value: name };
  const ref = parseExternalData(t.externalData ?? [], loc);
  if (ref.length !== undefined && ref.length !== byteLength) {
    throw formatError(
      ctx,
      'onnx/size-mismatch',
      `external_data length ${ref.length} differs from the ${byteLength} bytes ${dtype}[${shape.join(',')}] needs`,
      at('external_data.length'),
    );
  }
  if (!ctx.externalData) {
    throw unsupported(
      ctx,
      `tensor data in external file ${ref.location} without an external-data resolver (use readOnnxFile, or pass opts.externalData)`,
      at('external_data'),
    );
  }
  const got = ctx.externalData.resolve({ ...ref, byteLength, tensor: name });
  if (got instanceof Uint8Array) {
    if (got.byteLength !== byteLength) {
      throw formatError(
        ctx,
        'onnx/size-mismatch',
        `external data resolver returned ${got.byteLength} bytes, expected ${byteLength}`,
        at('external_data'),
      );
    }
    return new DenseTensor(dtype, shape, got);
  }
  return new LazyTensor(dtype, shape, () => got.load(), got.source);
}

export function readSparseTensor(ctx: ReadContext, sp: SparseTensorProto, where: TensorWhere): Tensor {
  const name = where.value ?? (sp.values?.name || undefined);
  const w = { ...where, ...(name !== undefined ? { value: name } : {}) };
  if (!sp.values)
    throw formatError(ctx, 'onnx/missing-data', 'sparse tensor has no values', {
      ...w,
      field: `${where.field}.values`,
    });
  if (!sp.indices)
    throw formatError(ctx, 'onnx/missing-data', 'sparse tensor has no indices', {
      ...w,
      field: `${where.field}.indices`,
    });
  const values = readTensor(ctx, sp.values, { ...w, field: `${where.field}.values` });
  const indices = readTensor(ctx, sp.indices, { ...where, field: `${where.field}.indices` });
  const { shape, size } = readShapeDims(ctx, sp.dims, w);
  const bad = (field: string, message: string) =>
    formatError(ctx, 'onnx/bad-sparse', message, { ...w, field: `${where.field}.${field}` });
  if (values.dtype === 'string')
    throw unsupported(ctx, 'sparse string tensors', { ...w, field: `${where.field}.values` });
  if (bitsOf(values.dtype) < 8) {
    throw unsupported(ctx, `sparse tensors of ${values.dtype}`, { ...w, field: `${where.field}.values` });
  }
  if (values.shape.length !== 1) throw bad('values', `values must be 1-D, got [${values.shape.join(',')}]`);
  const nnz = values.shape[0]!;
  if (nnz > size) throw bad('values', `${nnz} values for a tensor of ${size} elements`);
  if (indices.dtype !== 'int64') throw bad('indices', `indices must be int64, got ${indices.dtype}`);
  const linear = indices.shape.length === 1 && indices.shape[0] === nnz;
  const coords = indices.shape.length === 2 && indices.shape[0] === nnz && indices.shape[1] === shape.length;
  if (!linear && !coords)
    throw bad('indices', `indices shape [${indices.shape.join(',')}] is neither [${nnz}] nor [${nnz},${shape.length}]`);
  if (byteLengthOf(values.dtype, size) > MAX_SPARSE_DENSE_BYTES)
    throw bad('dims', `dense form of [${shape.join(',')}] exceeds 2 GiB`);
  if (!indices.isLazy) {
    const idx = indices.values() as BigInt64Array;
    for (let k = 0; k < idx.length; k++) {
      const v = idx[k]!;
      const limit = coords ? shape[k % shape.length]! : size;
      if (v < 0n || v >= BigInt(limit)) throw bad('indices', `index ${v} at position ${k} is outside [0, ${limit})`);
    }
  }
  return new SparseTensor(values.dtype, shape, values, indices);
}
