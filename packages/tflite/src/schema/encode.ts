// FlatBuffer encoding of the plain objects decode.ts produces, with the flatbuffers runtime's
// Builder and the generated field descriptors. Children are built before their parent (the
// Builder writes back to front); scalars equal to their default are omitted, as flatc does.
import { Builder } from 'flatbuffers';
import { FormatError, UnsupportedError } from '@enxuto/ir';
import type { FieldDef, ScalarCode } from './field-def.js';
import { FILE_IDENTIFIER, ROOT_TABLE, TABLES, UNIONS, type ModelT } from './schema.generated.js';

const SCALAR_SIZE: Record<ScalarCode, number> = {
  bool: 1,
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  i64: 8,
  u64: 8,
  f32: 4,
  f64: 8,
};

function bad(field: string, message: string): never {
  throw new FormatError(message, { code: 'tflite/encode', field });
}

/** The writers below keep the low bits of what does not fit (2^32 + 4 would be written as 4). */
function checkRange(code: string, v: number, path: string): void {
  const bits =
    code === 'i8' || code === 'u8'
      ? 8
      : code === 'i16' || code === 'u16'
        ? 16
        : code === 'i32' || code === 'u32'
          ? 32
          : 0;
  if (bits === 0) return;
  const lo = code.startsWith('u') ? 0 : -(2 ** (bits - 1));
  const hi = code.startsWith('u') ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new UnsupportedError(`${v} does not fit the ${bits}-bit integer field`, {
      code: 'tflite/int32-overflow',
      field: path,
    });
}

function addScalar(b: Builder, code: ScalarCode, value: number | boolean, path: string): void {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  checkRange(code, v, path);
  switch (code) {
    case 'bool':
    case 'i8':
    case 'u8':
      b.addInt8(v);
      break;
    case 'i16':
    case 'u16':
      b.addInt16(v);
      break;
    case 'i32':
    case 'u32':
      b.addInt32(v);
      break;
    case 'i64':
    case 'u64':
      b.addInt64(BigInt(v));
      break;
    case 'f32':
      b.addFloat32(v);
      break;
    case 'f64':
      b.addFloat64(v);
      break;
  }
}

function addScalarField(b: Builder, def: FieldDef, value: number | boolean, path: string): void {
  const code = def.type as ScalarCode;
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  checkRange(code, v, path);
  const d = typeof def.default === 'boolean' ? (def.default ? 1 : 0) : (def.default ?? 0);
  switch (code) {
    case 'bool':
    case 'i8':
    case 'u8':
      b.addFieldInt8(def.slot, v, d);
      break;
    case 'i16':
    case 'u16':
      b.addFieldInt16(def.slot, v, d);
      break;
    case 'i32':
    case 'u32':
      b.addFieldInt32(def.slot, v, d);
      break;
    case 'i64':
    case 'u64':
      b.addFieldInt64(def.slot, BigInt(v), BigInt(d));
      break;
    case 'f32':
      b.addFieldFloat32(def.slot, v, d);
      break;
    case 'f64':
      b.addFieldFloat64(def.slot, v, d);
      break;
  }
}

function encodeVector(b: Builder, code: string, value: unknown, align: number | undefined, path: string): number {
  if (code === 'u8' || code === 'i8') {
    if (!ArrayBuffer.isView(value)) bad(path, 'expected a byte array');
    const view = value as Uint8Array | Int8Array;
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    // Pad so the data (after the 4-byte length) starts on the forced alignment.
    if (align !== undefined) b.prep(align, bytes.length);
    return b.createByteVector(bytes);
  }
  if (!Array.isArray(value)) bad(path, 'expected an array');
  const items = value as unknown[];
  if (code === 'str' || code.startsWith('T:')) {
    const offsets = items.map((item, i) =>
      code === 'str'
        ? b.createString(item as string)
        : encodeTable(b, code.slice(2), item as Record<string, unknown>, `${path}[${i}]`),
    );
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
    return b.endVector();
  }
  const size = SCALAR_SIZE[code as ScalarCode];
  if (size === undefined) bad(path, `unsupported vector element ${code}`);
  b.startVector(size, items.length, Math.max(size, align ?? 1));
  for (let i = items.length - 1; i >= 0; i--)
    addScalar(b, code as ScalarCode, items[i] as number | boolean, `${path}[${i}]`);
  return b.endVector();
}

export function encodeTable(b: Builder, name: string, obj: Record<string, unknown>, path = ''): number {
  const defs = TABLES[name];
  if (defs === undefined) bad(path, `unknown table ${name}`);
  const offsets = new Map<FieldDef, number>();
  const unionCodes = new Map<FieldDef, number>();
  let slots = 0;
  for (const def of defs) {
    slots = Math.max(slots, def.slot + (def.type.startsWith('U:') ? 2 : 1));
    if (def.deprecated === true) continue;
    const value = obj[def.name];
    if (value === undefined) continue;
    const p = path === '' ? def.name : `${path}.${def.name}`;
    const t = def.type;
    if (t === 'str') offsets.set(def, b.createString(value as string));
    else if (t.startsWith('[')) offsets.set(def, encodeVector(b, t.slice(1, -1), value, def.align, p));
    else if (t.startsWith('T:')) offsets.set(def, encodeTable(b, t.slice(2), value as Record<string, unknown>, p));
    else if (t.startsWith('U:')) {
      const u = value as { type: string; value: Record<string, unknown> };
      const code = UNIONS[t.slice(2)]!.indexOf(u.type);
      if (code <= 0) bad(p, `${u.type} is not a member of ${t.slice(2)}`);
      unionCodes.set(def, code);
      offsets.set(def, encodeTable(b, u.type, u.value, p));
    }
  }
  b.startObject(slots);
  for (const def of defs) {
    if (def.deprecated === true) continue;
    const value = obj[def.name];
    if (value === undefined) continue;
    const t = def.type;
    if (t.startsWith('U:')) {
      b.addFieldInt8(def.slot, unionCodes.get(def)!, 0);
      b.addFieldOffset(def.slot + 1, offsets.get(def)!, 0);
    } else if (offsets.has(def)) {
      b.addFieldOffset(def.slot, offsets.get(def)!, 0);
    } else {
      addScalarField(b, def, value as number | boolean, path === '' ? def.name : `${path}.${def.name}`);
    }
  }
  return b.endObject();
}

/** Encodes a model object as a .tflite FlatBuffer (identifier TFL3). */
export function encodeModel(model: ModelT, initialSize = 1024): Uint8Array {
  const b = new Builder(initialSize);
  const root = encodeTable(b, ROOT_TABLE, model as unknown as Record<string, unknown>);
  b.finish(root, FILE_IDENTIFIER);
  return b.asUint8Array();
}
