// A PassContext for tests of a pass (built-in or plugin): silent, seeded, with only the datasets
// and runtime the test hands it, so a pass can be run without a pipeline file.
import type { InferenceBackend } from '@enxuto/runtime';
import { ConfigError } from '@enxuto/ir';
import type { Dataset } from '../data/index.js';
import { createRng } from '../data/index.js';
import type { DataRole, PassContext } from './types.js';

export interface TestPassContextOptions {
  data?: Partial<Record<DataRole, Dataset>>;
  seed?: number;
  runtime?: InferenceBackend;
  passName?: string;
  signal?: AbortSignal;
}

export function testPassContext(opts: TestPassContextOptions = {}): PassContext {
  const data = opts.data ?? {};
  const seed = opts.seed ?? 0;
  const signal = opts.signal ?? new AbortController().signal;
  return {
    passName: opts.passName ?? 'test',
    step: 0,
    logger: { debug() {}, info() {}, warn() {} },
    progress: { update() {} },
    signal,
    throwIfAborted() {
      signal.throwIfAborted();
    },
    rng: createRng(seed),
    seed,
    data,
    dataset(role) {
      const d = data[role];
      if (!d)
        throw new ConfigError(`this test gave no ${role} data`, { code: 'config/missing-data', field: `data.${role}` });
      return d;
    },
    runtime: opts.runtime,
    cacheDir: undefined,
  };
}
