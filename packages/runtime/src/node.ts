// @enxuto/runtime/node: everything in the main entry, plus the native onnxruntime-node backend.
import { unknownBackend } from './index.js';
import { ortNodeBackend, ortNodeInstalled } from './node-backend.js';
import type { InferenceBackend } from '@enxuto/pass';
import { ortWebBackend } from './web.js';

export * from './index.js';
export { ORT_NODE_INSTALL_HINT, ortNodeBackend, ortNodeInstalled } from './node-backend.js';

/** A backend by name: 'ort-node' (native) or 'ort-web' (wasm). */
export function getBackend(name: string): InferenceBackend {
  if (name === 'ort-node') return ortNodeBackend;
  if (name === 'ort-web') return ortWebBackend;
  throw unknownBackend(name, ['ort-node', 'ort-web']);
}

/** ort-node when onnxruntime-node is installed (native, fastest), otherwise ort-web (wasm). */
export function defaultBackend(): InferenceBackend {
  return ortNodeInstalled() ? ortNodeBackend : ortWebBackend;
}
