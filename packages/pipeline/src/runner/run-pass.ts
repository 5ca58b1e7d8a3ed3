// Running one pass: its context, the call, the model check after it, and errors wrapped with the
// pass name and step. A pass stopped by the run's signal (Ctrl-C), whatever it threw, is an
// AbortedError, so the CLI exits 130.
import type { InferenceBackend } from '@enxuto/runtime';
import { AbortedError, checkModel, ConfigError, FormatError, isEnxutoError, type Model, PassError } from '@enxuto/ir';
import type { ResolvedPass } from '../config/validate.js';
import type { DataRole, Dataset, Logger } from '@enxuto/pass';
import { createPassContext } from './context.js';
import { fileReader, type OptionFileHost } from './option-files.js';
import type { ProgressSink } from './progress-sink.js';

export interface PassRunParts {
  seed: number;
  logger: Logger;
  signal: AbortSignal;
  data: Partial<Record<DataRole, Dataset>>;
  backend: InferenceBackend;
  progress: ProgressSink;
  cacheDir: string | undefined;
  /** The files this pass's options name (option-files.ts). */
  files: OptionFileHost | undefined;
}

export async function runOnePass(p: ResolvedPass, model: Model, parts: PassRunParts, file: string | undefined) {
  const ctx = createPassContext({
    passName: p.name,
    step: p.index,
    seed: parts.seed,
    logger: parts.logger,
    progress: { update: (d, t, m) => parts.progress.update(d, t, m) },
    signal: parts.signal,
    data: parts.data,
    runtime: p.definition.needs.includes('runtime') || p.definition.needs.includes('data') ? parts.backend : undefined,
    cacheDir: parts.cacheDir,
    readFile: fileReader(p, parts.files, file),
  });
  const fail = (e: unknown, stage: string) => {
    if (parts.signal.aborted || e instanceof AbortedError || (isEnxutoError(e) && e.code === 'aborted')) {
      return new AbortedError(`pass ${p.name} (step ${p.index + 1}) stopped (interrupted)`, {
        code: 'aborted',
        cause: e,
      });
    }
    if (e instanceof ConfigError) return e;
    const msg = e instanceof Error ? (isEnxutoError(e) ? e.describe() : e.message) : String(e);
    return new PassError(`pass ${p.name} (step ${p.index + 1}) ${stage}: ${msg}`, {
      code: isEnxutoError(e) ? e.code : 'pass/failed',
      field: `passes.${p.index}`,
      cause: e,
      ...(file ? { file } : {}),
      ...(isEnxutoError(e) && e.node ? { node: e.node } : {}),
      ...(isEnxutoError(e) && e.value ? { value: e.value } : {}),
    });
  };
  let result;
  try {
    result = await p.definition.run(model, p.options, ctx);
  } catch (e) {
    throw fail(e, 'failed');
  }
  try {
    checkModel(result.model);
  } catch (e) {
    throw fail(e, 'produced an invalid model');
  }
  return result;
}

/** Errors of the data readers that are not (yet) @enxuto/ir classes, as typed errors. */
export function asEnxutoError(e: unknown, field: string, file: string | undefined): unknown {
  if (isEnxutoError(e) || !(e instanceof Error) || typeof (e as { code?: unknown }).code !== 'string') return e;
  const d = e as Error & { code: string; file?: string; field?: string };
  const details = {
    code: d.code,
    field: d.field ?? field,
    cause: e,
    ...((d.file ?? file) ? { file: d.file ?? file } : {}),
  };
  return e.name === 'FormatError' ? new FormatError(e.message, details) : new ConfigError(e.message, details);
}
