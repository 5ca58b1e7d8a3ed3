// Node-only: read and write .tflite files on disk, through @enxuto/io: regular files only, size
// checked before reading; writes are atomic (temporary file + rename) and never replace a file the
// model was read from.
import { DEFAULT_LIMITS, type Limits } from '@enxuto/io';
import {
  atomicWrite,
  checkFile,
  modelInputs,
  type ProtectedFiles,
  readWhole,
  recordSourceFiles,
} from '@enxuto/io/node';
import { FormatError, type Model } from '@enxuto/ir';
import { readTflite, type ReadOptions } from './read.js';
import { writeTflite, type WriteOptions } from './write.js';

/** Largest .tflite file read (FlatBuffers cannot address more than 4 GiB without offset buffers). */
export const MAX_TFLITE_FILE_BYTES = 2 ** 32;

export function readTfliteFile(
  path: string,
  options: Omit<ReadOptions, 'file'> & { resourceLimits?: Limits } = {},
): Model {
  const { resourceLimits = DEFAULT_LIMITS, ...readOptions } = options;
  const file = checkFile(path, { file: path });
  if (file.size > MAX_TFLITE_FILE_BYTES) {
    throw new FormatError(`file is ${file.size} bytes, larger than ${MAX_TFLITE_FILE_BYTES}`, {
      code: 'tflite/too-large',
      file: path,
    });
  }
  const bytes = readWhole(file, { maxBytes: resourceLimits.maxFileBytes, option: 'maxFileBytes' }, { file: path });
  const model = readTflite(bytes, { ...readOptions, file: path });
  recordSourceFiles(model, [file]);
  return model;
}

/** Writes `model` to `path` atomically; returns the number of bytes written. */
export function writeTfliteFile(
  model: Model,
  path: string,
  options: WriteOptions & { protect?: ProtectedFiles } = {},
): number {
  const { protect, ...writeOptions } = options;
  const inputs = modelInputs(model).addAll(protect ?? []);
  return atomicWrite(path, writeTflite(model, writeOptions), { protect: inputs });
}
