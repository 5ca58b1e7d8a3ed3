// Safe decoding: scan the wire bytes first (bounds, wire types, depth), then let protobufjs decode.
import { EnxutoError, FormatError } from '@enxuto/ir';
import type protobuf from 'protobufjs/light.js';
import type { ModelProto } from '../schema/messages.js';
import { ModelProtoType } from '../schema/root.js';
import { buildMessageTable, type MessageTable } from './field-tables.js';
import { scanWire, type WireLimits, type WireScanResult } from './scan.js';

const tables = new Map<protobuf.Type, MessageTable>();

function tableFor(type: protobuf.Type): MessageTable {
  let table = tables.get(type);
  if (!table) {
    table = buildMessageTable(type);
    tables.set(type, table);
  }
  return table;
}

export interface DecodeOptions {
  file?: string;
  limits?: Partial<WireLimits>;
}

/** A plain Uint8Array view of the same memory (protobufjs treats Buffers differently). */
export function asPlainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes `bytes` as message `type` after a bounded wire scan. bytes fields (raw_data, s) in the
 * result are views into `bytes`, never copies.
 */
export function decodeMessage<T>(
  type: protobuf.Type,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): { message: T; scan: WireScanResult } {
  const plain = asPlainBytes(bytes);
  const scan = scanWire(plain, tableFor(type), opts);
  try {
    return { message: type.decode(plain) as unknown as T, scan };
  } catch (e) {
    if (e instanceof EnxutoError) throw e;
    // The scan should make this unreachable; keep the promise of typed errors regardless.
    throw new FormatError(`protobuf decode failed: ${(e as Error).message}`, {
      code: 'onnx/decode',
      file: opts.file,
      cause: e,
    });
  }
}

export function decodeModelProto(
  bytes: Uint8Array,
  opts: DecodeOptions = {},
): { model: ModelProto; scan: WireScanResult } {
  if (bytes.byteLength === 0) {
    throw new FormatError('empty file: an ONNX model needs at least a graph', {
      code: 'onnx/empty',
      file: opts.file,
      offset: 0,
    });
  }
  const { message, scan } = decodeMessage<ModelProto>(ModelProtoType, bytes, opts);
  return { model: message, scan };
}
