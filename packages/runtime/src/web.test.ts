import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { configureOrtWeb, ortWebBackend } from './web.js';

describe('configureOrtWeb', () => {
  it('sets the wasm paths and fixes the thread count once', async () => {
    const before = ort.env.wasm.wasmPaths;
    configureOrtWeb({ wasmPaths: '/static/ort/' });
    expect(ort.env.wasm.wasmPaths).toBe('/static/ort/');
    ort.env.wasm.wasmPaths = before;
    configureOrtWeb({ threads: 1 });
    expect(ort.env.wasm.numThreads).toBe(1);
    // Fixed now: neither a second call nor a session option changes it.
    configureOrtWeb({ threads: 2 });
    const s = await ortWebBackend.createSession(new Uint8Array(0), { threads: 2 }).catch((e: Error) => e);
    expect(s).toBeInstanceOf(Error);
    expect(ort.env.wasm.numThreads).toBe(1);
  });
});
