// Node-only entry: finds the tfjs-backend-wasm binaries in node_modules and writes checkpoints
// atomically to disk. Everything browser-safe comes from the main entry.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initBackend as initBackendWith, type BackendName, type BackendOptions } from './backend.js';

export * from './index.js';

/** Folder (ending in a separator) holding tfjs-backend-wasm's `.wasm` files, found through Node resolution. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(pkg), 'dist') + '/';
}

/** initBackend for Node: points the wasm backend at its binaries in node_modules. */
export async function initBackend(name: BackendName = 'wasm', options: BackendOptions = {}): Promise<void> {
  const wasmPaths = options.wasmPaths ?? (name === 'wasm' ? wasmBinaryDir() : undefined);
  await initBackendWith(name, wasmPaths === undefined ? options : { ...options, wasmPaths });
}
