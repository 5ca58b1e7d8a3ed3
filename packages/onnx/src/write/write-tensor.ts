// IR Tensor -> TensorProto / SparseTensorProto message objects.
import { LazyTensor, SparseTensor, UnsupportedError, type Tensor } from '@enxuto/ir';
import { dataTypeToOnnx } from '../dtype-map.js';
import { typedFieldOf } from '../read/read-tensor.js';
import { bigIntToInt64 } from '../schema/int64.js';
import type { Int64, SparseTensorProto, StringStringEntryProto, TensorProto } from '../schema/messages.js';
import { usesTypedFields } from '../tensor-form.js';
import { alignmentFor, type WriteContext } from './context.js';
import { DeferredBytes } from './parts.js';

function alignedCopy(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/** Typed-field form of a tensor's bytes (the inverse of the reader's conversion). */
function typedFields(t: Tensor, msg: TensorProto): void {
  const b = t.bytes();
  switch (typedFieldOf(t.dtype)) {
    case 'floatData':
      msg.floatData = Array.from(new Float32Array(alignedCopy(b)));
      break;
    case 'doubleData':
      msg.doubleData = Array.from(new Float64Array(alignedCopy(b)));
      break;
    case 'int64Data':
      msg.int64Data = Array.from(new BigInt64Array(alignedCopy(b)), bigIntToInt64);
      break;
    case 'uint64Data':
      msg.uint64Data =
        t.dtype === 'uint32'
          ? Array.from(new Uint32Array(alignedCopy(b)))
          : Array.from(new BigUint64Array(alignedCopy(b)), (v): Int64 => ({ ...bigIntToInt64(v), unsigned: true }));
      break;
    case 'int32Data':
      switch (t.dtype) {
        case 'int32':
          msg.int32Data = Array.from(new Int32Array(alignedCopy(b)));
          break;
        case 'int16':
          msg.int32Data = Array.from(new Int16Array(alignedCopy(b)));
          break;
        case 'uint16':
        case 'float16':
        case 'bfloat16':
          msg.int32Data = Array.from(new Uint16Array(alignedCopy(b)));
          break;
        case 'int8':
          msg.int32Data = Array.from(new Int8Array(b.buffer, b.byteOffset, b.byteLength));
          break;
        default:
          msg.int32Data = Array.from(b); // uint8, bool, float8, packed 4-/2-bit bytes
      }
      break;
    case 'stringData':
      break;
  }
}

export interface TensorMeta {
  name?: string;
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

/** `external`: whether this tensor may go to the external data file (initializers only). */
export function tensorToProto(ctx: WriteContext, t: Tensor, meta: TensorMeta, external: boolean): TensorProto {
  const msg: TensorProto = { dims: [...t.shape], dataType: dataTypeToOnnx(t.dtype) };
  if (meta.name !== undefined) msg.name = meta.name;
  if (t.dtype === 'string') {
    msg.stringData = [...t.strings()];
  } else if (external && ctx.external && t.byteLength >= ctx.external.threshold) {
    const target = ctx.external;
    const pad =
      (alignmentFor(t.byteLength) - (target.data.length % alignmentFor(t.byteLength))) % alignmentFor(t.byteLength);
    if (pad > 0) target.data.push(new Uint8Array(pad));
    const offset = target.data.length;
    target.data.push(lazyBytes(t));
    msg.dataLocation = 1;
    msg.externalData = [
      { key: 'location', value: target.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(t.byteLength) },
    ];
  } else if (usesTypedFields(t)) {
    typedFields(t, msg);
  } else {
    msg.rawData = lazyBytes(t) as Uint8Array;
  }
  if (meta.docString) msg.docString = meta.docString;
  if (meta.metadataProps?.length) msg.metadataProps = meta.metadataProps;
  return msg;
}

/** A lazy tensor's bytes are loaded only when the output is written. */
function lazyBytes(t: Tensor): Uint8Array | DeferredBytes {
  if (t.isLazy) {
    const source = t instanceof LazyTensor ? t.source : undefined;
    return new DeferredBytes(t.byteLength, () => t.bytes(), source);
  }
  return t.bytes();
}

export function sparseToProto(
  ctx: WriteContext,
  t: Tensor,
  name: string | undefined,
  where: string,
): SparseTensorProto {
  if (!(t instanceof SparseTensor)) {
    throw new UnsupportedError(`unsupported: ${where} holds a dense tensor where ONNX needs a sparse one`, {
      code: 'onnx/unsupported',
      field: where,
      ...(name ? { value: name } : {}),
    });
  }
  return {
    values: tensorToProto(ctx, t.nonZero, name ? { name } : {}, true),
    indices: tensorToProto(ctx, t.indices, {}, true),
    dims: [...t.shape],
  };
}
