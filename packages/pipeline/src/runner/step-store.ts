// Where a run keeps each pass's output so a re-run resumes: a folder in Node (PassCache), memory or
// the origin-private file system in a page. Entries are keyed by the step's chained key
// (execute.ts); a store returns only what it stored under that key, or nothing.
import type { Model } from '@enxuto/ir';

export interface CachedStep {
  changed: boolean;
  stats: Record<string, unknown>;
  modelBytes: Uint8Array;
}

export interface StoredStep extends CachedStep {
  /** The entry's model when the store already parsed and checked it. */
  model?: Model;
}

export interface StepStore {
  get(key: string): Promise<StoredStep | undefined> | StoredStep | undefined;
  put(key: string, step: CachedStep): Promise<void> | void;
}

/** Steps kept in memory for the life of the object (a page without OPFS, tests). */
export class MemoryStepStore implements StepStore {
  private readonly entries = new Map<string, CachedStep>();
  get(key: string): CachedStep | undefined {
    return this.entries.get(key);
  }
  put(key: string, step: CachedStep): void {
    this.entries.set(key, { ...step, modelBytes: step.modelBytes.slice() });
  }
  get size(): number {
    return this.entries.size;
  }
}
