// Sessions accept an IR model or the bytes of an ONNX file; both end up as ONNX bytes.
import type { Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';

export function modelBytes(model: Model | Uint8Array): Uint8Array {
  return model instanceof Uint8Array ? model : writeOnnxBytes(model);
}
