// The protected set of a run: every file the input model and the datasets read (the model, its
// external data, shards, manifests, data files, the pipeline file). No output, report or cache
// write may land on one. Files are compared by (device, inode), not by path, so another name for
// the same file (a symlink, a hard link, a '..' path) is caught too.
import { realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, LazyTensor, type Model } from '@enxuto/ir';
import type { CheckedFile } from './checked-file.js';
import { isWithin } from './resolve.js';

const idOf = (dev: number, ino: number) => `${dev}:${ino}`;

export class ProtectedFiles {
  private readonly files = new Map<string, string>();

  /** Protects a checked file, or the file at a path (ignored when there is none). */
  add(file: CheckedFile | string): this {
    if (typeof file !== 'string') {
      this.files.set(idOf(file.dev, file.ino), file.path);
      return this;
    }
    try {
      const st = statSync(file);
      if (st.isFile()) this.files.set(idOf(st.dev, st.ino), realpathSync(file));
    } catch {
      // nothing there to protect
    }
    return this;
  }

  addAll(files: Iterable<CheckedFile | string> | ProtectedFiles): this {
    if (files instanceof ProtectedFiles) {
      for (const [id, path] of files.files) this.files.set(id, path);
      return this;
    }
    for (const f of files) this.add(f);
    return this;
  }

  get size(): number {
    return this.files.size;
  }

  /** Real paths of the protected files. */
  paths(): string[] {
    return [...this.files.values()];
  }

  /** The protected file that `path` is (following links), if any. */
  match(path: string): string | undefined {
    try {
      const st = statSync(path);
      return this.files.get(idOf(st.dev, st.ino));
    } catch {
      return undefined;
    }
  }

  /** Throws when writing `path` would replace a protected file. */
  assertWritable(path: string, where: { field?: string } = {}): void {
    const hit = this.match(path);
    if (hit !== undefined) {
      throw new ConfigError(`refusing to overwrite ${hit}: the input reads it`, {
        code: 'io/overwrite-input',
        file: path,
        field: where.field ?? 'output',
      });
    }
  }

  /** Throws when the folder `dir` (real path) holds a protected file anywhere below it. */
  assertNotHolding(dir: string, where: { field?: string } = {}): void {
    let real: string;
    try {
      real = realpathSync(resolve(dir));
    } catch {
      return; // a folder that does not exist holds nothing
    }
    const inside = this.paths().find((p) => isWithin(dirname(p), real));
    if (inside !== undefined) {
      throw new ConfigError(`refusing to write into ${dir}: it holds ${inside}, which the input reads`, {
        code: 'io/overwrite-input',
        file: dir,
        field: where.field ?? 'output',
      });
    }
  }
}

/** Model extras key: the files a reader read the model from (so no writer replaces them). */
const SOURCE_FILES = 'io.sourceFiles';

/** Records the files `model` was read from (added to what was recorded before). */
export function recordSourceFiles(model: Model, files: readonly CheckedFile[]): void {
  model.extras.set(SOURCE_FILES, [...sourceFiles(model), ...files]);
}

/** The files `model` was read from (model file, external data, manifests, shards). */
export function sourceFiles(model: Model): CheckedFile[] {
  const files = model.extras.get(SOURCE_FILES);
  return Array.isArray(files) ? (files as CheckedFile[]) : [];
}

/** The files `model` still reads or was read from: recorded sources and lazy tensors' files. */
export function modelInputs(model: Model): ProtectedFiles {
  const set = new ProtectedFiles().addAll(sourceFiles(model));
  for (const g of model.allGraphs()) {
    for (const v of g.initializers()) if (v.const instanceof LazyTensor && v.const.source) set.add(v.const.source.path);
  }
  return set;
}
