// Cheap ONNX detection for format registries: walk the top-level fields only.
import protobuf from 'protobufjs/light.js';
import { asPlainBytes } from './wire/decode.js';

/** ModelProto field number -> wire type. */
const MODEL_FIELDS = new Map([[1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2]]);

export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2) return false;
  try {
    const r = protobuf.Reader.create(asPlainBytes(bytes));
    let sawGraph = false;
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (MODEL_FIELDS.get(field) !== wire) return false;
      if (field === 7) sawGraph = true;
      r.skipType(wire);
    }
    return sawGraph;
  } catch {
    return false;
  }
}
