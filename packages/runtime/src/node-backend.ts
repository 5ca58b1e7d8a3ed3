// The onnxruntime-node backend (native, Node only): the fast path for evaluation and calibration.
import type { Model } from '@enxuto/ir';
import * as ort from 'onnxruntime-node';
import { modelBytes } from './model-bytes.js';
import { createOrtSession, ortSessionOptions } from './ort-session.js';
import type { OrtModule } from './ort-types.js';
import type { InferenceBackend, Session, SessionOptions } from './types.js';

export const ortNodeBackend: InferenceBackend = {
  name: 'ort-node',
  async createSession(model: Model | Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    return createOrtSession(
      ort as unknown as OrtModule,
      modelBytes(model),
      ortSessionOptions(opts),
      opts.name ?? 'model',
    );
  },
};
