// Loads the native TFLite interpreter shipped by tfjs-tflite-node (its prebuilt libtensorflowlite_c
// plus a small N-API addon that `npm rebuild tfjs-tflite-node` compiles). We load the addon
// directly rather than through tfjs-tflite-node's index: that pulls in tfjs-core and node-fetch,
// which we do not need and whose pins differ from the rest of the repository.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One input or output slot of a native interpreter. `data()` is a live view the addon copies. */
export interface NativeTensorInfo {
  readonly name: string;
  readonly dataType: string;
  /** Comma-separated dims, e.g. "1,28,28". */
  readonly shape: string;
  readonly id: number;
  data():
    | Int8Array
    | Uint8Array
    | Int16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array
    | BigInt64Array
    | BigUint64Array;
}

export interface NativeInterpreter {
  getInputs(): NativeTensorInfo[];
  getOutputs(): NativeTensorInfo[];
  infer(): boolean;
}

export interface NativeAddon {
  Interpreter: new (model: ArrayBuffer, options: { threads?: number }) => NativeInterpreter;
}

const require = createRequire(import.meta.url);

/** Where the compiled addon is expected; null when tfjs-tflite-node is not installed at all. */
export function nativeAddonPath(): string | null {
  let root: string;
  try {
    root = dirname(require.resolve('tfjs-tflite-node/package.json'));
  } catch {
    return null;
  }
  return join(root, 'build', 'Release', 'node_tflite_binding.node');
}

let cached: NativeAddon | null | undefined;
let loadError = '';

/** The addon, or null (with `nativeLoadError()` saying why) when it is not built. */
export function loadNativeAddon(): NativeAddon | null {
  if (cached !== undefined) return cached;
  const path = nativeAddonPath();
  if (path === null) {
    loadError = 'tfjs-tflite-node is not installed';
    cached = null;
  } else if (!existsSync(path)) {
    loadError = `native addon not built (${path} missing): run \`npm rebuild tfjs-tflite-node\``;
    cached = null;
  } else {
    try {
      cached = require(path) as NativeAddon;
    } catch (e) {
      loadError = `native addon failed to load: ${(e as Error).message}`;
      cached = null;
    }
  }
  return cached;
}

export function nativeLoadError(): string {
  return loadError;
}
