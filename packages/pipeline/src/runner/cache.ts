// The pass cache: each pass's output model, keyed by a hash chained from the input model's bytes
// through every step before it (cache-keys.ts), so a re-run resumes where work last changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '@enxuto/io/node';

export interface CachedStep {
  changed: boolean;
  stats: Record<string, unknown>;
  modelBytes: Uint8Array;
}

/** JSON with sorted keys, so option order in the file does not change the key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export class PassCache {
  constructor(readonly dir: string) {}

  get(key: string): CachedStep | undefined {
    const meta = join(this.dir, `${key}.json`);
    const model = join(this.dir, `${key}.onnx`);
    if (!existsSync(meta) || !existsSync(model)) return undefined;
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8')) as {
        changed: boolean;
        stats: Record<string, unknown>;
        sha256: string;
      };
      const bytes = new Uint8Array(readFileSync(model));
      // A damaged entry is a miss, never a wrong model.
      if (sha256(bytes) !== m.sha256) return undefined;
      return { changed: m.changed, stats: m.stats, modelBytes: bytes };
    } catch {
      return undefined;
    }
  }

  put(key: string, step: CachedStep): void {
    mkdirSync(this.dir, { recursive: true });
    atomicWrite(join(this.dir, `${key}.onnx`), step.modelBytes);
    atomicWrite(
      join(this.dir, `${key}.json`),
      new TextEncoder().encode(
        JSON.stringify({ changed: step.changed, stats: step.stats, sha256: sha256(step.modelBytes) }),
      ),
    );
  }
}
