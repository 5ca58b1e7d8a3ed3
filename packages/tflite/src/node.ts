// Node-only: read and write .tflite files on disk. Writes are atomic (temporary file + rename)
// and never replace the file a model was read from.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertNotInput, atomicWrite } from '@enxuto/io/node';
import { FormatError, type Model } from '@enxuto/ir';
import { readTflite, type ReadOptions } from './read.js';
import { writeTflite, type WriteOptions } from './write.js';

/** Files a model was read from, so that writing never replaces them. */
const sources = new WeakMap<Model, string>();

/** Largest .tflite file read (FlatBuffers cannot address more than 2 GiB without offset buffers). */
export const MAX_TFLITE_FILE_BYTES = 2 ** 32;

export function readTfliteFile(path: string, options: Omit<ReadOptions, 'file'> = {}): Model {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FormatError(`cannot read ${path}: ${(e as Error).message}`, {
      code: 'tflite/read-failed',
      file: path,
      cause: e,
    });
  }
  if (bytes.length > MAX_TFLITE_FILE_BYTES) {
    throw new FormatError(`file is ${bytes.length} bytes, larger than ${MAX_TFLITE_FILE_BYTES}`, {
      code: 'tflite/too-large',
      file: path,
    });
  }
  const model = readTflite(bytes, { ...options, file: path });
  sources.set(model, resolve(path));
  return model;
}

/** Writes `model` to `path` atomically; returns the number of bytes written. */
export function writeTfliteFile(
  model: Model,
  path: string,
  options: WriteOptions & { inputs?: readonly string[] } = {},
): number {
  const source = sources.get(model);
  assertNotInput(path, [...(source !== undefined ? [source] : []), ...(options.inputs ?? [])]);
  return atomicWrite(path, writeTflite(model, options));
}
