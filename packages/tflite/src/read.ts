// .tflite bytes -> IR model: checked decode, TFLite verification, then the IR mapping.
import type { Model } from '@enxuto/ir';
import { decodeModel } from './schema/decode.js';
import type { ModelT } from './schema/schema.generated.js';
import { verifyModel } from './schema/verify.js';
import { tfliteToIr } from './to-ir.js';

export interface ReadOptions {
  /** File name for error messages. */
  file?: string;
}

/** Decodes and verifies a .tflite file (plain objects, buffers as views on `bytes`). */
export function parseTflite(bytes: Uint8Array, options: ReadOptions = {}): ModelT {
  const model = decodeModel(bytes, options);
  verifyModel(model, bytes, options);
  return model;
}

/**
 * Reads a .tflite file into the IR. Constant data are views on `bytes`: do not modify `bytes`
 * while the model is in use. Throws FormatError (bad file) or UnsupportedError.
 */
export function readTflite(bytes: Uint8Array, options: ReadOptions = {}): Model {
  return tfliteToIr(parseTflite(bytes, options), bytes, options);
}
