// writeOnnxFile: atomic model (+ external data) output that never overwrites its own input.
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type Model } from '@enxuto/ir';
import {
  checkFile,
  commit,
  createFolders,
  modelInputs,
  type ProtectedFiles,
  removeEmptyFolders,
  removeQuietly,
  writeTemp,
} from '@enxuto/io/node';
import { normalizeLocation } from '../external/location.js';
import { encodeOnnx, type ExternalDataOptions } from '../write/write-model.js';

export interface WriteOnnxFileOptions {
  /** Put initializers of `threshold` bytes or more (default 1024) in `location`, beside the model. */
  externalData?: ExternalDataOptions;
  /** More files no write may replace (the run's inputs); the model's own sources are always added. */
  protect?: ProtectedFiles;
}

/** The files writeOnnxFile(model, path, opts) writes: the model, then the data file if any. */
export function onnxOutputFiles(path: string, opts: Pick<WriteOnnxFileOptions, 'externalData'> = {}): string[] {
  const out = resolve(path);
  if (!opts.externalData) return [out];
  const dataPath = join(dirname(out), normalizeLocation(opts.externalData.location, { file: path }));
  if (dataPath === out) {
    throw new ConfigError('external data location is the model file itself', {
      code: 'onnx/overwrite-input',
      file: path,
      field: 'externalData.location',
    });
  }
  return [out, dataPath];
}

/**
 * Writes `model` to `path` atomically (temp file + fsync + rename), creating the folder if needed;
 * returns the files written and their total size.
 */
export function writeOnnxFile(
  model: Model,
  path: string,
  opts: WriteOnnxFileOptions = {},
): { files: string[]; bytes: number } {
  const [out, dataPath] = onnxOutputFiles(path, opts) as [string, string | undefined];
  const protect = modelInputs(model).addAll(opts.protect ?? []);
  for (const target of [out, dataPath]) {
    if (target === undefined) continue;
    try {
      protect.assertWritable(target);
    } catch (e) {
      throw new ConfigError(`refusing to overwrite ${target}: the model still reads from it`, {
        code: 'onnx/overwrite-input',
        file: target,
        cause: e,
      });
    }
  }
  const enc = encodeOnnx(model, { file: path, ...(opts.externalData ? { externalData: opts.externalData } : {}) });
  const created = [...createFolders(dirname(out)), ...(dataPath ? createFolders(dirname(dataPath)) : [])];
  const temps: { tmp: string; path: string }[] = [];
  try {
    // No tensor reached the threshold: no data file is written (and none is referenced).
    if (dataPath && enc.data.length > 0) temps.push({ tmp: writeTemp(dataPath, enc.data), path: dataPath });
    temps.push({ tmp: writeTemp(out, enc.model), path: out });
    const bytes = temps.reduce((s, t) => s + checkFile(t.tmp).size, 0);
    commit(temps, { protect });
    return { files: temps.map((t) => t.path).reverse(), bytes };
  } catch (e) {
    for (const t of temps) removeQuietly(t.tmp);
    removeEmptyFolders(created);
    throw e;
  }
}
