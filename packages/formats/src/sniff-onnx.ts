// ONNX files have no magic number: recognize a protobuf ModelProto by its first fields. Each must
// be a known ModelProto field with its declared wire type; the common first field is ir_version
// (tag 0x08) with a small value.
import { byExtension, type FormatMatch, type FormatSniffer } from './format.js';
import { onnxWriteOptions } from './write-options.js';

/** ModelProto field number -> wire type (0 varint, 2 length-delimited). */
const MODEL_FIELDS: Record<number, number> = {
  1: 0, // ir_version
  2: 2, // producer_name
  3: 2, // producer_version
  4: 2, // domain
  5: 0, // model_version
  6: 2, // doc_string
  7: 2, // graph
  8: 2, // opset_import
  14: 2, // metadata_props
  20: 2, // training_info
  25: 2, // functions
  26: 2, // configuration
};

const REPEATED = new Set([8, 14, 20, 25, 26]);

function readVarint(b: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) return undefined;
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  return undefined;
}

/** Reason the bytes are not a ModelProto, or undefined when the first fields look right. */
export function modelProtoProblem(head: Uint8Array): string | undefined {
  if (head.length === 0) return 'empty file';
  let pos = 0;
  let fields = 0;
  let sawGraphOrVersion = false;
  const seen = new Set<number>();
  // Check up to 4 fields, or until the head ends inside a field.
  while (pos < head.length && fields < 4) {
    const tag = readVarint(head, pos);
    if (!tag) break;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const want = MODEL_FIELDS[field];
    if (want === undefined) return `byte ${pos}: field ${field} is not a ModelProto field`;
    if (want !== wire) return `byte ${pos}: field ${field} has wire type ${wire}, ModelProto expects ${want}`;
    // Singular fields come once; a repeated field 1 is a TensorProto's dims, not a ModelProto.
    if (seen.has(field) && !REPEATED.has(field)) return `byte ${pos}: singular field ${field} repeats`;
    seen.add(field);
    if (field === 1 || field === 7) sawGraphOrVersion = true;
    if (wire === 0) {
      const v = readVarint(head, tag.next);
      if (!v) break;
      if (field === 1 && (v.value < 1 || v.value > 64)) return `ir_version ${v.value} is implausible`;
      pos = v.next;
    } else {
      const len = readVarint(head, tag.next);
      if (!len) break;
      pos = len.next + len.value;
    }
    fields++;
  }
  if (fields === 0) return 'no protobuf field at byte 0';
  if (!sawGraphOrVersion && fields < 2) return 'too few ModelProto fields to tell';
  return undefined;
}

export const onnxSniffer: FormatSniffer = {
  name: 'onnx',
  extensions: ['.onnx'],
  writeOptions: onnxWriteOptions,
  match(head: Uint8Array, path: string): FormatMatch {
    const problem = modelProtoProblem(head);
    if (problem === undefined) return { match: 'magic', reason: 'starts like an ONNX ModelProto' };
    return byExtension(this, path, `not an ONNX ModelProto (${problem})`);
  },
};
