// Node-only entry: finds the tfjs-backend-wasm binaries in node_modules and keeps training
// checkpoints on disk. Everything browser-safe comes from the main entry, re-exported here.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Model } from '@enxuto/ir';
import { initBackend as initBackendWith, type BackendName, type BackendOptions } from './backend.js';
import { startThreadedWasm } from './backend/wasm-threads.js';
import { fileCheckpointStore } from './file-checkpoint.js';
import { train as trainWith, type TrainOptions, type TrainResult } from './train/train.js';

export * from './index.js';
export { fileCheckpointStore, CHECKPOINT_FILE } from './file-checkpoint.js';
export { wasmThreadCount } from './backend/wasm-threads.js';

/** Folder (ending in a separator) holding tfjs-backend-wasm's `.wasm` files, found through Node resolution. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return `${join(dirname(pkg), 'dist')}/`;
}

export interface NodeBackendOptions extends BackendOptions {
  /**
   * XNNPACK threads for the wasm backend (default 1). Takes effect when the backend first starts
   * in the process; later calls keep the running backend.
   */
  threads?: number;
}

let wasmStarted = false;

/** initBackend for Node: points the wasm backend at its binaries in node_modules. */
export async function initBackend(name: BackendName = 'wasm', options: NodeBackendOptions = {}): Promise<void> {
  const { threads = 1, ...rest } = options;
  const wasmPaths = rest.wasmPaths ?? (name === 'wasm' ? wasmBinaryDir() : undefined);
  const opts = wasmPaths === undefined ? rest : { ...rest, wasmPaths };
  const start = () => initBackendWith(name, opts);
  if (name !== 'wasm' || wasmStarted || threads <= 1) {
    await start();
  } else {
    await startThreadedWasm(threads, start);
  }
  if (name === 'wasm') wasmStarted = true;
}

export interface NodeTrainOptions extends TrainOptions {
  /** Folder for the checkpoint file; a re-run with the same options resumes from it. */
  checkpointDir?: string;
}

/** train() with checkpoints written atomically to `checkpointDir`. */
export function train(model: Model, options: NodeTrainOptions): Promise<TrainResult> {
  const { checkpointDir, ...rest } = options;
  if (checkpointDir === undefined || rest.checkpoint !== undefined) return trainWith(model, rest);
  return trainWith(model, { ...rest, checkpoint: fileCheckpointStore(checkpointDir) });
}
