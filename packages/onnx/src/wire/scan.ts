// A schema-aware pass over protobuf wire bytes that runs before protobufjs decodes anything.
// protobufjs recurses once per nested message or group (protobufjs#2121) and trusts wire types and
// length prefixes; this scanner walks with an explicit stack, so hostile input (10,000-deep
// If/Loop bodies, nested unknown groups, lengths past the end, wrong wire types) is rejected with
// a typed FormatError naming the byte offset and field path, never a stack overflow or RangeError.
// Anything it accepts decodes in protobufjs without reading out of bounds.
import { FormatError } from '@enxuto/ir';
import type { FieldSpec, MessageTable } from './field-tables.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(b: Uint8Array): boolean {
  if (b.every((x) => x < 0x80)) return true;
  try {
    strictUtf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

export interface WireLimits {
  /** Nested messages and groups, the outermost message included. */
  maxMessageDepth: number;
  /** Nested GraphProto levels (the main graph plus If/Loop/Scan/function bodies inside it). */
  maxGraphDepth: number;
}

/**
 * protobufjs refuses more than 100 nested levels itself (Reader.recursionLimit); staying below it
 * means our error, with offset and path, is the one users see. 30 graph levels is far beyond any
 * real control-flow nesting (each level costs three messages: graph, node, attribute).
 */
export const DEFAULT_WIRE_LIMITS: WireLimits = { maxMessageDepth: 96, maxGraphDepth: 30 };

export interface UnknownField {
  /** Dotted path of the message holding the field, e.g. 'ModelProto.graph.node'. */
  path: string;
  field: number;
  wireType: number;
  offset: number;
}

export interface WireScanResult {
  /** The first unknown fields met (at most 32), for diagnostics. */
  unknownFields: UnknownField[];
  unknownFieldCount: number;
}

interface Frame {
  /** null for an unknown group, whose contents are not described by the schema */
  table: MessageTable | null;
  end: number;
  /** field number of the open group (0 for messages) */
  groupField: number;
  via: string;
  graphs: number;
}

const MAX_UNKNOWN_RECORDED = 32;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

export function scanWire(
  bytes: Uint8Array,
  root: MessageTable,
  opts: { file?: string; limits?: Partial<WireLimits> } = {},
): WireScanResult {
  const limits = { ...DEFAULT_WIRE_LIMITS, ...opts.limits };
  const stack: Frame[] = [
    { table: root, end: bytes.length, groupField: 0, via: root.name, graphs: root.isGraph ? 1 : 0 },
  ];
  const unknownFields: UnknownField[] = [];
  let unknownFieldCount = 0;
  let pos = 0;

  const path = (): string => stack.map((f) => f.via).join('.');
  const fail = (code: string, message: string, offset: number): never => {
    throw new FormatError(`${message} (at byte ${offset}, in ${path()})`, {
      code,
      file: opts.file,
      field: path(),
      offset,
    });
  };

  /** Reads a varint ending at or before `limit`; its value is exact up to 2^53 and only compared above. */
  const readVarint = (limit: number, maxBytes: number): number => {
    const start = pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (pos >= limit) {
        fail(
          limit === bytes.length ? 'onnx/truncated' : 'onnx/bad-length',
          'varint runs past the end of its message',
          start,
        );
      }
      const b = bytes[pos++]!;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return value;
    }
    return fail('onnx/bad-varint', `varint longer than ${maxBytes} bytes`, start);
  };

  /** Reads a length prefix and checks the payload fits in the enclosing message. */
  const readLength = (frame: Frame, what: string): number => {
    const start = pos;
    const len = readVarint(frame.end, 10);
    if (len > frame.end - pos) {
      const code = frame.end === bytes.length ? 'onnx/truncated' : 'onnx/bad-length';
      fail(code, `${what} declares ${len} bytes but only ${frame.end - pos} remain`, start);
    }
    return len;
  };

  const skipLengthDelimited = (frame: Frame, what: string): void => {
    const len = readLength(frame, what); // advances pos past the prefix: do not fold into `pos +=`
    pos += len;
  };

  const skip = (frame: Frame, n: number, what: string): void => {
    if (n > frame.end - pos) {
      fail(
        frame.end === bytes.length ? 'onnx/truncated' : 'onnx/bad-length',
        `${what} runs past the end of its message`,
        pos,
      );
    }
    pos += n;
  };

  const push = (frame: Frame, offset: number): void => {
    if (stack.length >= limits.maxMessageDepth) {
      fail('onnx/too-deep', `messages nested more than ${limits.maxMessageDepth} deep`, offset);
    }
    if (frame.graphs > limits.maxGraphDepth) {
      fail('onnx/too-deep', `graphs nested more than ${limits.maxGraphDepth} deep (If/Loop/Scan bodies)`, offset);
    }
    stack.push(frame);
  };

  const checkPacked = (spec: Extract<FieldSpec, { kind: 'scalar' }>, end: number): void => {
    if (spec.wireType === 0) {
      while (pos < end) readVarint(end, 10);
    } else {
      const width = spec.wireType === 1 ? 8 : 4;
      if ((end - pos) % width !== 0)
        fail('onnx/bad-length', `packed ${spec.name} is not a multiple of ${width} bytes`, pos);
      pos = end;
    }
  };

  for (;;) {
    const frame = stack[stack.length - 1]!;
    if (pos === frame.end) {
      if (frame.groupField !== 0) fail('onnx/truncated', `group ${frame.groupField} is never closed`, pos);
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const tagOffset = pos;
    const tag = readVarint(frame.end, 5);
    if (tag > 0xffffffff) fail('onnx/bad-varint', 'field tag does not fit in 32 bits', tagOffset);
    const wireType = tag % 8;
    const fieldNo = Math.floor(tag / 8);
    if (fieldNo === 0) fail('onnx/bad-wire', 'field number 0 is not valid protobuf', tagOffset);
    if (wireType === 4) {
      if (frame.groupField !== fieldNo)
        fail('onnx/bad-wire', `end-group for field ${fieldNo} without a matching start`, tagOffset);
      stack.pop();
      continue;
    }
    if (wireType > 5) fail('onnx/bad-wire', `invalid wire type ${wireType} for field ${fieldNo}`, tagOffset);

    const spec = frame.table?.fields.get(fieldNo);
    if (spec === undefined) {
      unknownFieldCount++;
      if (unknownFields.length < MAX_UNKNOWN_RECORDED) {
        unknownFields.push({ path: path(), field: fieldNo, wireType, offset: tagOffset });
      }
      if (wireType === 0) readVarint(frame.end, 10);
      else if (wireType === 1) skip(frame, 8, `field ${fieldNo}`);
      else if (wireType === 5) skip(frame, 4, `field ${fieldNo}`);
      else if (wireType === 2) skipLengthDelimited(frame, `field ${fieldNo}`);
      else
        push(
          { table: null, end: frame.end, groupField: fieldNo, via: `group${fieldNo}`, graphs: frame.graphs },
          tagOffset,
        );
      continue;
    }

    const expected = spec.kind === 'scalar' ? spec.wireType : 2;
    const packed = spec.kind === 'scalar' && spec.packable && wireType === 2;
    if (wireType !== expected && !packed) {
      fail(
        'onnx/bad-wire',
        `field ${spec.name} (${fieldNo}) has wire type ${WIRE_NAMES[wireType]}, expected ${WIRE_NAMES[expected]}`,
        tagOffset,
      );
    }
    if (spec.kind === 'message') {
      const len = readLength(frame, spec.name);
      const table = spec.table;
      push(
        { table, end: pos + len, groupField: 0, via: spec.name, graphs: frame.graphs + (table.isGraph ? 1 : 0) },
        tagOffset,
      );
    } else if (spec.kind === 'bytes') {
      const len = readLength(frame, spec.name);
      if (spec.utf8 && !isUtf8(bytes.subarray(pos, pos + len))) {
        fail('onnx/bad-utf8', `field ${spec.name} is not valid UTF-8`, tagOffset);
      }
      pos += len;
    } else if (packed) {
      const len = readLength(frame, spec.name);
      checkPacked(spec, pos + len);
    } else if (spec.wireType === 0) {
      readVarint(frame.end, 10);
    } else {
      skip(frame, spec.wireType === 1 ? 8 : 4, spec.name);
    }
  }
  return { unknownFields, unknownFieldCount };
}
