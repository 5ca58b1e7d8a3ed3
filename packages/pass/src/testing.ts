// @enxuto/pass/testing: a PassContext for tests of a pass (built-in or plugin): silent, seeded,
// with only the datasets and runtime the test hands it, so a pass runs on a model built in code
// without a pipeline file and without an inference engine unless the test injects one.
import { ConfigError, createRng } from '@enxuto/ir';
import type { Dataset } from './dataset.js';
import type { InferenceBackend } from './runtime.js';
import type { DataRole, Logger, PassContext, ProgressReporter } from './types.js';

export interface TestPassContextOptions {
  data?: Partial<Record<DataRole, Dataset>>;
  seed?: number;
  /** An inference backend, e.g. `getBackend('ort-node')` from @enxuto/runtime/node. */
  runtime?: InferenceBackend;
  passName?: string;
  signal?: AbortSignal;
  /** Receives progress updates (default: dropped). */
  progress?: ProgressReporter;
  /** Receives log lines (default: dropped). */
  logger?: Logger;
  /** Files `ctx.readFile` returns, by the path the options name them with (text is UTF-8). */
  files?: Readonly<Record<string, Uint8Array | string>>;
}

export function testPassContext(opts: TestPassContextOptions = {}): PassContext {
  const data = opts.data ?? {};
  const seed = opts.seed ?? 0;
  const signal = opts.signal ?? new AbortController().signal;
  return {
    passName: opts.passName ?? 'test',
    step: 0,
    logger: opts.logger ?? { debug() {}, info() {}, warn() {} },
    progress: opts.progress ?? { update() {} },
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
    async readFile(path, field) {
      const f = opts.files?.[path];
      if (f === undefined)
        throw new ConfigError(`this test gave no file ${path}`, { code: 'pass/undeclared-file', file: path, field });
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
  };
}
