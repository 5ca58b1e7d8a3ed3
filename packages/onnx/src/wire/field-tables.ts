// What the wire scanner needs to know about each ONNX message: for every field number, the wire
// types it may legally use and, for submessages, which message it holds. Built from the protobufjs
// reflection of the project's schema, so it can never disagree with the decoder.
import protobuf from 'protobufjs/light.js';

export type FieldSpec =
  | { kind: 'message'; name: string; table: MessageTable }
  /** varint (0), fixed64 (1) or fixed32 (5) scalar; `packable` repeated scalars also accept 2. */
  | { kind: 'scalar'; name: string; wireType: 0 | 1 | 5; packable: boolean }
  /** string or bytes: length-delimited; `utf8` names (value, node, op, domain) must be valid UTF-8 */
  | { kind: 'bytes'; name: string; utf8: boolean };

export interface MessageTable {
  /** Short message name, e.g. 'GraphProto' or 'TypeProto.Tensor'. */
  name: string;
  fields: Map<number, FieldSpec>;
  /** GraphProto levels are counted separately (nested If/Loop/Scan bodies). */
  isGraph: boolean;
}

/**
 * String fields that name things (values, nodes, ops, domains): invalid UTF-8 there would decode
 * to replacement characters, so two names could merge or a name could lose its meaning.
 */
const NAME_FIELDS = new Set(['name', 'input', 'output', 'opType', 'domain', 'overload', 'refAttrName']);

const FIXED64 = new Set(['double', 'fixed64', 'sfixed64']);
const FIXED32 = new Set(['float', 'fixed32', 'sfixed32']);

function scalarWireType(type: string): 0 | 1 | 5 {
  if (FIXED64.has(type)) return 1;
  if (FIXED32.has(type)) return 5;
  return 0; // int32/int64/uint32/uint64/sint*/bool/enum
}

function shortName(type: protobuf.Type): string {
  return type.fullName.replace(/^\.onnx\./, '');
}

/** Builds (once per type) the field tables reachable from `root`. */
export function buildMessageTable(root: protobuf.Type): MessageTable {
  const tables = new Map<protobuf.Type, MessageTable>();
  const make = (type: protobuf.Type): MessageTable => {
    const existing = tables.get(type);
    if (existing) return existing;
    const table: MessageTable = { name: shortName(type), fields: new Map(), isGraph: shortName(type) === 'GraphProto' };
    tables.set(type, table);
    for (const field of type.fieldsArray) {
      field.resolve();
      const resolved = field.resolvedType;
      let spec: FieldSpec;
      if (resolved instanceof protobuf.Type) {
        spec = { kind: 'message', name: field.name, table: make(resolved) };
      } else if (resolved instanceof protobuf.Enum) {
        spec = { kind: 'scalar', name: field.name, wireType: 0, packable: field.repeated };
      } else if (field.type === 'string' || field.type === 'bytes') {
        spec = { kind: 'bytes', name: field.name, utf8: field.type === 'string' && NAME_FIELDS.has(field.name) };
      } else {
        spec = { kind: 'scalar', name: field.name, wireType: scalarWireType(field.type), packable: field.repeated };
      }
      table.fields.set(field.id, spec);
    }
    return table;
  };
  return make(root);
}
