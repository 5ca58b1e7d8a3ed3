// @enxuto/runtime: onnxruntime behind the InferenceBackend / Session interfaces of @enxuto/pass.
// Browser-safe: this entry offers ort-web only; '@enxuto/runtime/node' adds onnxruntime-node.
import { ConfigError } from '@enxuto/ir';
import type { BackendName, InferenceBackend } from '@enxuto/pass';
import { ortWebBackend } from './web.js';

export type { BackendName, InferenceBackend, Session, SessionOptions, TensorData, TensorInfo } from '@enxuto/pass';
export { configureOrtWeb, ortWebBackend, type OrtWebSettings } from './web.js';
export { isRuntimeDtype } from './tensor-convert.js';
export { concreteShape, generateInputs, type InputShapeOptions } from './inputs.js';
export { lmFeeds, type TokenBatch } from '@enxuto/pass';
export { generateGreedy, takesKvCache, type Generation } from './lm-generate.js';
export { measureLatency, percentile, summarizeLatencies, type LatencyStats } from './measure.js';

export const BACKEND_NAMES: readonly BackendName[] = ['ort-node', 'ort-web'];

export function unknownBackend(name: string, available: readonly string[]): ConfigError {
  return new ConfigError(`unknown runtime '${name}' (available: ${available.join(', ')})`, {
    code: 'runtime/unknown-backend',
    field: 'runtime',
  });
}

/** A backend by name. In a browser only 'ort-web' exists; use '@enxuto/runtime/node' for 'ort-node'. */
export function getBackend(name: string): InferenceBackend {
  if (name === 'ort-web') return ortWebBackend;
  throw unknownBackend(name, ['ort-web']);
}
