// Protobuf encoding that never copies big bytes: protobufjs encodes each message's small fields,
// while submessages that can hold tensors are framed here (tag + length) around their own parts,
// and long bytes fields (raw_data) are emitted as views. Fields go out in field-number order, as
// protobuf's canonical serialization does, so output is deterministic.
import protobuf from 'protobufjs/light.js';
import { onnxRoot } from '../schema/root.js';
import { DeferredBytes, Parts } from './parts.js';

/** Messages that may (transitively) contain tensor bytes; all others are encoded whole. */
const FRAMED = new Set(
  [
    'ModelProto',
    'GraphProto',
    'NodeProto',
    'AttributeProto',
    'TensorProto',
    'SparseTensorProto',
    'FunctionProto',
    'TrainingInfoProto',
  ].map((n) => onnxRoot.lookupType(`onnx.${n}`)),
);

/** bytes fields at least this long are emitted as separate chunks (views), never copied. */
const BIG_BYTES = 4096;

const sortedFields = new Map<protobuf.Type, protobuf.Field[]>();
function fieldsById(type: protobuf.Type): protobuf.Field[] {
  let f = sortedFields.get(type);
  if (!f) {
    f = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    for (const x of f) x.resolve();
    sortedFields.set(type, f);
  }
  return f;
}

function header(id: number, length: number): Uint8Array {
  return new protobuf.Writer()
    .uint32((id << 3) | 2)
    .uint32(length)
    .finish();
}

function isBig(b: unknown): boolean {
  return b instanceof DeferredBytes || (b instanceof Uint8Array && b.byteLength >= BIG_BYTES);
}

export function encodeChunked(type: protobuf.Type, msg: object): Parts {
  const out = new Parts();
  const record = msg as Record<string, unknown>;
  let pending: Record<string, unknown> | undefined;
  const flush = () => {
    if (pending) out.push(type.encode(pending, new protobuf.Writer()).finish());
    pending = undefined;
  };
  for (const field of fieldsById(type)) {
    if (!Object.hasOwn(record, field.name)) continue;
    const value = record[field.name];
    if (value === undefined || value === null) continue;
    const items = field.repeated ? (value as unknown[]) : [value];
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type && FRAMED.has(rt)) {
      flush();
      for (const item of items) {
        const sub = encodeChunked(rt, item as object);
        out.push(header(field.id, sub.length));
        out.append(sub);
      }
    } else if (field.type === 'bytes' && items.some(isBig)) {
      flush();
      for (const b of items as (Uint8Array | DeferredBytes)[]) {
        out.push(header(field.id, b.byteLength));
        out.push(b);
      }
    } else {
      (pending ??= {})[field.name] = value;
    }
  }
  flush();
  return out;
}
