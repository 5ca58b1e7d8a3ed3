// One place that picks the TF.js backend. Training runs on wasm (fast, works in Node and browsers);
// cpu is the fallback. Browser-safe: the Node-only lookup of the .wasm files lives in node.ts.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { RuntimeError } from '@enxuto/ir';
import { installWasmKernels } from './backend/wasm-kernels.js';
import { registerForwardOpGradients } from './grad/register.js';
import { installFusedUpdates } from './train/fused-updates.js';

export type BackendName = 'wasm' | 'cpu';

export interface BackendOptions {
  /**
   * Where the tfjs-backend-wasm `.wasm` files are served from (a URL prefix ending in `/`, or a
   * file map). Needed for wasm in Node and in bundled web apps; set once, before the first init.
   */
  wasmPaths?: Parameters<typeof setWasmPaths>[0];
}

const ready = new Map<BackendName, Promise<void>>();

/**
 * Makes `name` the active TF.js backend. Idempotent: the backend is initialised once; later calls
 * only switch back to it. Also installs the gradients the wasm backend lacks.
 */
export async function initBackend(name: BackendName, options: BackendOptions = {}): Promise<void> {
  registerForwardOpGradients();
  installWasmKernels();
  installFusedUpdates();
  // The wasm module reads its paths when it first loads; later settings would be ignored.
  if (name === 'wasm' && options.wasmPaths !== undefined && !ready.has('wasm')) {
    setWasmPaths(options.wasmPaths);
  }
  let p = ready.get(name);
  if (p === undefined) {
    p = (async () => {
      const ok = await tf.setBackend(name);
      if (!ok) {
        throw new RuntimeError(`TF.js backend '${name}' failed to initialise`, {
          code: 'train/backend-init',
          field: 'backend',
        });
      }
      await tf.ready();
    })();
    // A failed init may be retried (e.g. after fixing wasmPaths).
    p.catch(() => ready.delete(name));
    ready.set(name, p);
    await p;
    return;
  }
  await p;
  if (tf.getBackend() !== name) await tf.setBackend(name);
}

/** The active backend's name ('wasm', 'cpu', ...). */
export function activeBackend(): string {
  return tf.getBackend();
}
