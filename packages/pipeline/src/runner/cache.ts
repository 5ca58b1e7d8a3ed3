// The pass cache: each pass's output model, keyed by a hash chained from the run's inputs through
// every (pass, code, options, seed) before it (cache-key.ts), so a re-run resumes where work last
// changed. An entry is trusted only after it checks out: its bytes hash to what its record says,
// the record names the key it was stored under, it parses, and checkModel accepts it; anything
// else is a miss. The folder is refused when it is a symlink, and entries are read as regular
// files inside it only (no link may lead elsewhere).
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  atomicWrite,
  type CheckedFile,
  checkWritable,
  createFolders,
  type ProtectedFiles,
  readWhole,
  resolveInside,
} from '@enxuto/io/node';
import { checkModel, ConfigError, type Model } from '@enxuto/ir';
import { readOnnx } from '@enxuto/onnx';
import { canonicalJson, stepKeyText } from './step-key.js';
import type { CachedStep, StepStore } from './step-store.js';

export type { CachedStep } from './step-store.js';
export { canonicalJson };

export interface CacheHit extends CachedStep {
  /** The entry's model, parsed and checked. */
  model: Model;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Key of step i: the sha256 of stepKeyText (step before, pass, code, options, seed, option files). */
export function stepKey(...parts: Parameters<typeof stepKeyText>): string {
  return sha256(stepKeyText(...parts));
}

/** Refuses a cache folder that is a symlink, or that cannot be created and written. */
export function checkCacheDir(dir: string, field = 'cacheDir'): void {
  let isLink = false;
  try {
    isLink = lstatSync(dir).isSymbolicLink();
  } catch {
    // not there yet
  }
  if (isLink) {
    throw new ConfigError(`cache folder ${dir} is a symbolic link; give a real folder (or --no-cache)`, {
      code: 'cache/symlink',
      file: dir,
      field,
    });
  }
  checkWritable(dir, { kind: 'folder', field });
}

const MAX_ENTRY_BYTES = 2 ** 31 - 1;

export class PassCache implements StepStore {
  readonly dir: string;

  /** `protect`: files no cache write may replace (the run's inputs). */
  constructor(
    dir: string,
    private readonly protect?: ProtectedFiles,
  ) {
    this.dir = resolve(dir);
    checkCacheDir(this.dir);
  }

  private entry(name: string): CheckedFile | undefined {
    try {
      return resolveInside(this.dir, name, { field: 'cache' });
    } catch {
      return undefined;
    }
  }

  get(key: string): CacheHit | undefined {
    const meta = this.entry(`${key}.json`);
    const model = this.entry(`${key}.onnx`);
    if (!meta || !model) return undefined;
    try {
      const m = JSON.parse(new TextDecoder().decode(readWhole(meta, { maxBytes: 1 << 24, option: 'cache' }))) as {
        key?: string;
        changed: boolean;
        stats: Record<string, unknown>;
        sha256: string;
      };
      const bytes = readWhole(model, { maxBytes: MAX_ENTRY_BYTES, option: 'cache' });
      if (m.key !== key || sha256(bytes) !== m.sha256 || typeof m.changed !== 'boolean') return undefined;
      const parsed = readOnnx(bytes, { file: model.path });
      checkModel(parsed);
      return { changed: m.changed, stats: m.stats ?? {}, modelBytes: bytes, model: parsed };
    } catch {
      return undefined; // a damaged or foreign entry is a miss, never a wrong model
    }
  }

  put(key: string, step: CachedStep): void {
    checkCacheDir(this.dir);
    createFolders(this.dir);
    // Entries are committed now, even in a run that is later stopped: a re-run resumes from them.
    const opts = { now: true, ...(this.protect ? { protect: this.protect } : {}) };
    atomicWrite(join(this.dir, `${key}.onnx`), step.modelBytes, opts);
    const record = { key, changed: step.changed, stats: step.stats, sha256: sha256(step.modelBytes) };
    atomicWrite(join(this.dir, `${key}.json`), new TextEncoder().encode(JSON.stringify(record)), opts);
  }
}
