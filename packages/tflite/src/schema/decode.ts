// Checked FlatBuffer decoding into plain objects, driven by the generated field descriptors.
// The flatbuffers JS runtime reads without bounds checks, so every offset, vtable and vector
// length is checked here before it is followed: a bad file ends in a FormatError naming the
// field path (e.g. `subgraphs[0].operators[3].inputs`) and byte offset, never a RangeError,
// a hang or a huge allocation. Nesting depth and total work are bounded (shared sub-tables
// could otherwise multiply the work exponentially).
import { ByteBuffer } from 'flatbuffers';
import { FormatError, UnsupportedError } from '@enxuto/ir';
import type { FieldDef, ScalarCode } from './field-def.js';
import { FILE_IDENTIFIER, ROOT_TABLE, TABLES, UNIONS, type ModelT } from './schema.generated.js';

export const MAX_TABLE_DEPTH = 64;

export interface DecodeOptions {
  /** File name used in error messages. */
  file?: string;
  /** Deepest table nesting accepted (default MAX_TABLE_DEPTH). */
  maxDepth?: number;
}

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

// fatal: a name that is not UTF-8 is refused rather than read as U+FFFD (two such names would
// collide, and a written copy would carry another name than the file's).
const utf8 = new TextDecoder('utf-8', { fatal: true });

type PathPart = string | number;

class Reader {
  private readonly bb: ByteBuffer;
  private readonly len: number;
  private readonly path: PathPart[] = [];
  /** Units of work left: one per table, vector element copied or string byte. */
  private budget: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string | undefined,
    private readonly maxDepth: number,
  ) {
    this.bb = new ByteBuffer(bytes);
    this.len = bytes.length;
    // A file without shared sub-objects never needs more than one unit per byte.
    this.budget = 2 * bytes.length + 65_536;
  }

  fieldPath(): string {
    return this.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  }

  fail(code: string, message: string, offset?: number): never {
    throw new FormatError(message, {
      code: `tflite/${code}`,
      ...(this.file !== undefined ? { file: this.file } : {}),
      field: this.fieldPath() || '(root)',
      ...(offset !== undefined ? { offset } : {}),
    });
  }

  private spend(units: number, at: number): void {
    this.budget -= units;
    if (this.budget < 0)
      this.fail('too-much-work', 'file refers to the same data too many times (decode budget exhausted)', at);
  }

  /** Absolute position of the object an unsigned offset at `at` points to, checked. */
  private follow(at: number, need: number): number {
    if (at + 4 > this.len) this.fail('truncated', 'offset field runs past the end of the file', at);
    const target = at + this.bb.readUint32(at);
    if (target + need > this.len)
      this.fail('bad-offset', `offset points outside the file (${target} of ${this.len})`, at);
    // Tables, vectors and strings start on 4 bytes, as the FlatBuffers verifier requires.
    if (target % 4 !== 0) this.fail('misaligned', `object at byte ${target} is not 4-byte aligned`, at);
    return target;
  }

  private scalar(code: ScalarCode, at: number): number | boolean {
    switch (code) {
      case 'bool':
        return this.bb.readUint8(at) !== 0;
      case 'i8':
        return this.bb.readInt8(at);
      case 'u8':
        return this.bb.readUint8(at);
      case 'i16':
        return this.bb.readInt16(at);
      case 'u16':
        return this.bb.readUint16(at);
      case 'i32':
        return this.bb.readInt32(at);
      case 'u32':
        return this.bb.readUint32(at);
      case 'f32':
        return this.bb.readFloat32(at);
      case 'f64':
        return this.bb.readFloat64(at);
      case 'i64':
      case 'u64': {
        const v = code === 'i64' ? this.bb.readInt64(at) : this.bb.readUint64(at);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.fail('int64-range', `64-bit value ${v} is outside the range enxuto handles (2^53)`, at);
        }
        return Number(v);
      }
    }
  }

  string(at: number): string {
    const start = this.follow(at, 4);
    const n = this.bb.readUint32(start);
    const data = start + 4;
    if (n > this.len - data - 1) this.fail('bad-string', `string of ${n} bytes runs past the end of the file`, start);
    if (this.bytes[data + n] !== 0) this.fail('bad-string', 'string is not zero-terminated', data + n);
    this.spend(n + 1, start);
    try {
      return utf8.decode(this.bytes.subarray(data, data + n));
    } catch {
      return this.fail('bad-string', 'string is not valid UTF-8', data);
    }
  }

  private vector(at: number, code: string, depth: number): unknown {
    const start = this.follow(at, 4);
    const n = this.bb.readUint32(start);
    const data = start + 4;
    const elem = code.startsWith('T:') || code === 'str' ? 4 : SCALAR_SIZE[code as ScalarCode];
    if (elem === undefined) this.fail('schema', `unsupported vector element ${code}`);
    // Division, not multiplication: n * elem could exceed 2^53 for a hostile length.
    if (n > (this.len - data) / elem)
      this.fail('bad-vector', `vector of ${n} elements runs past the end of the file`, start);
    if (data % elem !== 0) this.fail('misaligned', `vector data at byte ${data} is not ${elem}-byte aligned`, start);
    if (code === 'u8' || code === 'i8') {
      this.spend(1, start);
      const view = this.bytes.subarray(data, data + n);
      return code === 'u8' ? view : new Int8Array(view.buffer, view.byteOffset, n);
    }
    this.spend(n, start);
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = data + i * elem;
      this.path.push(i);
      if (code === 'str') out[i] = this.string(p);
      else if (code.startsWith('T:')) out[i] = this.table(this.follow(p, 4), code.slice(2), depth + 1);
      else out[i] = this.scalar(code as ScalarCode, p);
      this.path.pop();
    }
    return out;
  }

  table(pos: number, name: string, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.fail('too-deep', `tables nested deeper than ${this.maxDepth}`, pos);
    const defs = TABLES[name];
    if (defs === undefined) this.fail('schema', `unknown table ${name}`);
    this.spend(1, pos);
    if (pos + 4 > this.len) this.fail('truncated', `${name} table runs past the end of the file`, pos);
    const vt = pos - this.bb.readInt32(pos);
    if (vt % 2 !== 0) this.fail('misaligned', `${name} vtable at byte ${vt} is not 2-byte aligned`, pos);
    if (vt < 0 || vt + 4 > this.len) this.fail('bad-vtable', `${name} vtable is outside the file`, pos);
    const vtSize = this.bb.readUint16(vt);
    const objSize = this.bb.readUint16(vt + 2);
    if (vtSize < 4 || vtSize % 2 !== 0 || vt + vtSize > this.len)
      this.fail('bad-vtable', `${name} vtable size ${vtSize} is invalid`, vt);
    if (objSize < 4 || pos + objSize > this.len)
      this.fail('bad-vtable', `${name} table size ${objSize} runs past the end of the file`, vt);

    const slotOffset = (slot: number, size: number): number => {
      const entry = 4 + 2 * slot;
      if (entry + 2 > vtSize) return 0;
      const fo = this.bb.readUint16(vt + entry);
      if (fo === 0) return 0;
      if (fo < 4 || fo + size > objSize) this.fail('bad-vtable', `field lies outside its ${name} table`, vt + entry);
      if ((pos + fo) % size !== 0)
        this.fail('misaligned', `field at byte ${pos + fo} is not ${size}-byte aligned`, vt + entry);
      return pos + fo;
    };

    const out: Record<string, unknown> = {};
    for (const def of defs) {
      if (def.deprecated === true) continue;
      this.path.push(def.name);
      const value = this.field(def, slotOffset, depth);
      if (value !== undefined) out[def.name] = value;
      this.path.pop();
    }
    return out;
  }

  private field(def: FieldDef, slotOffset: (slot: number, size: number) => number, depth: number): unknown {
    const t = def.type;
    if (t.startsWith('U:')) {
      const typeAt = slotOffset(def.slot, 1);
      const code = typeAt === 0 ? 0 : this.bb.readUint8(typeAt);
      if (code === 0) return undefined;
      const members = UNIONS[t.slice(2)]!;
      const member = members[code];
      if (member === undefined) {
        throw new UnsupportedError(`unknown ${t.slice(2)} type code ${code} (newer schema?)`, {
          code: 'tflite/unknown-union-type',
          ...(this.file !== undefined ? { file: this.file } : {}),
          field: this.fieldPath(),
          offset: typeAt,
        });
      }
      const valueAt = slotOffset(def.slot + 1, 4);
      if (valueAt === 0) return undefined;
      return { type: member, value: this.table(this.follow(valueAt, 4), member, depth + 1) };
    }
    if (t.startsWith('[')) {
      const at = slotOffset(def.slot, 4);
      return at === 0 ? undefined : this.vector(at, t.slice(1, -1), depth);
    }
    if (t === 'str') {
      const at = slotOffset(def.slot, 4);
      return at === 0 ? undefined : this.string(at);
    }
    if (t.startsWith('T:')) {
      const at = slotOffset(def.slot, 4);
      return at === 0 ? undefined : this.table(this.follow(at, 4), t.slice(2), depth + 1);
    }
    const code = t as ScalarCode;
    const at = slotOffset(def.slot, SCALAR_SIZE[code]);
    return at === 0 ? def.default : this.scalar(code, at);
  }

  root(): Record<string, unknown> {
    return this.table(this.follow(0, 4), ROOT_TABLE, 1);
  }
}

/** True when the bytes carry the TFLite file identifier at offset 4. */
export function hasTfliteIdentifier(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 4; i++) if (bytes[4 + i] !== FILE_IDENTIFIER.charCodeAt(i)) return false;
  return true;
}

/**
 * Decodes a .tflite file into plain objects (big byte vectors stay views on `bytes`).
 * Checks the FlatBuffer structure only; `verifyModel` checks the TFLite meaning.
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): ModelT {
  const reader = new Reader(bytes, options.file, options.maxDepth ?? MAX_TABLE_DEPTH);
  if (bytes.length < 8) reader.fail('truncated', `file is ${bytes.length} bytes, too short for a TFLite model`, 0);
  if (!hasTfliteIdentifier(bytes)) {
    const id = Array.from(bytes.subarray(4, 8), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '?')).join('');
    reader.fail('bad-identifier', `file identifier is "${id}", expected "${FILE_IDENTIFIER}"`, 4);
  }
  return reader.root() as unknown as ModelT;
}
