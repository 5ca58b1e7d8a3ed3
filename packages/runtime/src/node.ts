// @enxuto/runtime/node: everything in the main entry, plus the native onnxruntime-node backend.
import { unknownBackend } from './index.js';
import { ortNodeBackend } from './node-backend.js';
import type { InferenceBackend } from './types.js';
import { ortWebBackend } from './web.js';

export * from './index.js';
export { ortNodeBackend } from './node-backend.js';

/** A backend by name: 'ort-node' (native) or 'ort-web' (wasm). */
export function getBackend(name: string): InferenceBackend {
  if (name === 'ort-node') return ortNodeBackend;
  if (name === 'ort-web') return ortWebBackend;
  throw unknownBackend(name, ['ort-node', 'ort-web']);
}
