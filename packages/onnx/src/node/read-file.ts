// readOnnxFile: a model file plus its external data, resolved safely and lazily.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FormatError, type Model } from '@enxuto/ir';
import { readOnnx, type ReadOnnxOptions } from '../read/read-model.js';
import { fileExternalData, type FileExternalDataOptions } from './file-external-data.js';

/** Model extras key: the real path the model was read from (writeOnnxFile never overwrites it). */
export const SOURCE_PATH = 'onnx.sourcePath';

const MAX_MODEL_FILE = 2 ** 31 - 1;

export interface ReadOnnxFileOptions extends Omit<ReadOnnxOptions, 'file' | 'externalData'>, FileExternalDataOptions {}

export function readOnnxFile(path: string, opts: ReadOnnxFileOptions = {}): Model {
  const abs = resolve(path);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new FormatError('not a regular file', { code: 'onnx/not-file', file: path });
    size = st.size;
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`cannot open model: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      code: 'onnx/unreadable',
      file: path,
      cause: e,
    });
  }
  if (size > MAX_MODEL_FILE) {
    throw new FormatError(
      `model file is ${size} bytes; protobuf models are below 2 GiB (weights belong in external data)`,
      {
        code: 'onnx/too-large',
        file: path,
      },
    );
  }
  const bytes = readFileSync(abs);
  const model = readOnnx(bytes, { ...opts, file: path, externalData: fileExternalData(abs, opts) });
  model.extras.set(SOURCE_PATH, realpathSync(abs));
  return model;
}
