// The onnxruntime-node backend (native, Node only): the fast path for evaluation and calibration.
// onnxruntime-node is an optional peer dependency (its install script fetches CUDA files and fails
// offline, and it weighs ~290 MB), so it is imported on first use; without it, ort-web runs.
import { createRequire } from 'node:module';
import { RuntimeError, type Model } from '@enxuto/ir';
import { modelBytes } from './model-bytes.js';
import { createOrtSession, ortSessionOptions } from './ort-session.js';
import type { OrtModule } from './ort-types.js';
import type { InferenceBackend, Session, SessionOptions } from '@enxuto/pass';

export const ORT_NODE_INSTALL_HINT =
  'npm install onnxruntime-node@1.30.0 (with "allowScripts": { "onnxruntime-node": false } in package.json, as its install script only fetches CUDA files)';

/** True when onnxruntime-node resolves from this package (the user installed it). */
export function ortNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
}

let loaded: Promise<OrtModule> | undefined;

function loadOrtNode(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-node').then(
    (m) => m as unknown as OrtModule,
    (e: unknown) => {
      loaded = undefined;
      const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && !ortNodeInstalled();
      throw new RuntimeError(
        missing
          ? `runtime ort-node needs onnxruntime-node, which is not installed: ${ORT_NODE_INSTALL_HINT}; or use --runtime ort-web`
          : `onnxruntime-node failed to load: ${(e as Error).message}`,
        { code: missing ? 'runtime/not-installed' : 'runtime/load-failed', field: 'runtime', cause: e },
      );
    },
  );
  return loaded;
}

export const ortNodeBackend: InferenceBackend = {
  name: 'ort-node',
  async createSession(model: Model | Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    return createOrtSession(await loadOrtNode(), modelBytes(model), ortSessionOptions(opts), opts.name ?? 'model');
  },
};
