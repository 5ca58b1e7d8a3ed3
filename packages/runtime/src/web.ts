// The onnxruntime-web (wasm) backend: browser-safe, and also runs in Node (the same code the edge
// app uses). In Node, onnxruntime-web's node build finds its .wasm files beside itself in
// node_modules/onnxruntime-web/dist, so no wasmPaths setting is needed.
import type { Model } from '@enxuto/ir';
import * as ort from 'onnxruntime-web';
import { modelBytes } from './model-bytes.js';
import { createOrtSession, ortSessionOptions } from './ort-session.js';
import type { OrtModule } from './ort-types.js';
import type { InferenceBackend, Session, SessionOptions } from '@enxuto/pass';

let threadsFixed = false;

export interface OrtWebSettings {
  /** Where the .wasm/.mjs files are served from (browsers; Node finds them itself). */
  wasmPaths?: string;
  /** Wasm threads (needs cross-origin isolation in browsers); fixed once the first session starts. */
  threads?: number;
}

/**
 * Settings of the onnxruntime-web runtime, for apps that serve its files themselves (the edge app).
 * Call before the first session; later calls cannot change the thread count.
 */
export function configureOrtWeb(settings: OrtWebSettings): void {
  if (settings.wasmPaths !== undefined) ort.env.wasm.wasmPaths = settings.wasmPaths;
  if (settings.threads !== undefined && !threadsFixed) {
    ort.env.wasm.numThreads = settings.threads;
    threadsFixed = true;
  }
}

export const ortWebBackend: InferenceBackend = {
  name: 'ort-web',
  async createSession(model: Model | Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    // The wasm thread count is global and read once, when the first session starts the runtime.
    if (!threadsFixed) {
      if (opts.threads !== undefined) ort.env.wasm.numThreads = opts.threads;
      threadsFixed = true;
    }
    const { threads: _ignored, ...rest } = opts;
    return createOrtSession(
      ort as unknown as OrtModule,
      modelBytes(model),
      ortSessionOptions(rest),
      opts.name ?? 'model',
    );
  },
};
