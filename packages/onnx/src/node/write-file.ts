// writeOnnxFile: atomic model (+ external data) output that never overwrites its own input.
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, LazyTensor, type Model } from '@enxuto/ir';
import { normalizeLocation } from '../external/location.js';
import { encodeOnnx, type ExternalDataOptions } from '../write/write-model.js';
import { commit, removeQuietly, writeTemp } from './atomic-write.js';
import { SOURCE_PATH } from './read-file.js';

export interface WriteOnnxFileOptions {
  /** Put initializers of `threshold` bytes or more (default 1024) in `location`, beside the model. */
  externalData?: ExternalDataOptions;
}

/** Files the model still reads from: its source model and the files its lazy tensors live in. */
function inputFiles(model: Model): string[] {
  const files = new Set<string>();
  const source = model.extras.get(SOURCE_PATH);
  if (typeof source === 'string') files.add(source);
  for (const g of model.allGraphs()) {
    for (const v of g.initializers()) {
      const t = v.const;
      if (t instanceof LazyTensor && t.source) files.add(t.source.path);
    }
  }
  return [...files];
}

function sameFile(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  if (realpathSync(a) === realpathSync(b)) return true;
  const x = statSync(a);
  const y = statSync(b);
  return x.dev === y.dev && x.ino === y.ino;
}

/** Writes `model` to `path` atomically (temp file + fsync + rename), creating the folder if needed. */
export function writeOnnxFile(model: Model, path: string, opts: WriteOnnxFileOptions = {}): void {
  const out = resolve(path);
  const targets = [out];
  let dataPath: string | undefined;
  if (opts.externalData) {
    const location = normalizeLocation(opts.externalData.location, { file: path });
    dataPath = join(dirname(out), location);
    if (dataPath === out) {
      throw new ConfigError('external data location is the model file itself', {
        code: 'onnx/overwrite-input',
        file: path,
        field: 'externalData.location',
      });
    }
    targets.push(dataPath);
  }
  for (const input of inputFiles(model)) {
    for (const target of targets) {
      if (sameFile(input, target)) {
        throw new ConfigError(`refusing to overwrite ${target}: the model still reads from it`, {
          code: 'onnx/overwrite-input',
          file: target,
        });
      }
    }
  }
  const enc = encodeOnnx(model, { file: path, ...(opts.externalData ? { externalData: opts.externalData } : {}) });
  for (const t of targets) mkdirSync(dirname(t), { recursive: true });
  const temps: { tmp: string; path: string }[] = [];
  try {
    // No tensor reached the threshold: no data file is written (and none is referenced).
    if (dataPath && enc.data.length > 0) temps.push({ tmp: writeTemp(dataPath, enc.data), path: dataPath });
    temps.push({ tmp: writeTemp(out, enc.model), path: out });
  } catch (e) {
    for (const t of temps) removeQuietly(t.tmp);
    throw e;
  }
  commit(temps);
}
