// The PassContext handed to each pass.
import { AbortedError, ConfigError } from '@enxuto/ir';
import { createRng, deriveSeed } from '@enxuto/ir';
import type { DataRole, Dataset, InferenceBackend, Logger, PassContext, ProgressReporter } from '@enxuto/pass';

export interface ContextParts {
  passName: string;
  step: number;
  seed: number;
  logger: Logger;
  progress: ProgressReporter;
  signal: AbortSignal;
  data: Partial<Record<DataRole, Dataset>>;
  runtime: InferenceBackend | undefined;
  cacheDir: string | undefined;
  readFile: PassContext['readFile'];
}

export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new AbortedError(`${what} stopped (interrupted)`, { code: 'aborted' });
}

export function createPassContext(p: ContextParts): PassContext {
  // Each step gets its own stream, so inserting a pass does not change the numbers of the others.
  const seed = deriveSeed(p.seed, p.step);
  return {
    passName: p.passName,
    step: p.step,
    logger: p.logger,
    progress: p.progress,
    signal: p.signal,
    throwIfAborted: () => throwIfAborted(p.signal, `pass ${p.passName}`),
    rng: createRng(seed),
    seed,
    data: Object.freeze({ ...p.data }),
    dataset(role) {
      const d = p.data[role];
      if (!d) {
        throw new ConfigError(`pass ${p.passName} needs data.${role} in the pipeline file`, {
          code: 'config/missing-data',
          field: `data.${role}`,
        });
      }
      return d;
    },
    runtime: p.runtime,
    cacheDir: p.cacheDir,
    readFile: p.readFile,
  };
}
