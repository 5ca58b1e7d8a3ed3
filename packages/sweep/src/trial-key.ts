// The trial key: the identity of a trial's work, built like the runner's cache keys. It covers the
// trial's pipeline (without where it writes and the latency it does not measure), the content of
// every file the pipeline reads (input model, dataset files and folders, files named in pass
// options) and the code of every pass, so a trial is never taken as done after its data, its
// sensitivity file or a plugin changed, and results recorded under one key are the same work.
import { resolve } from 'node:path';
import {
  canonicalJson,
  CodeIdentity,
  ContentHasher,
  ENXUTO_VERSION,
  passCode,
  type PipelineConfig,
  pipelinePaths,
  type ResolvedPass,
  sha256,
} from '@enxuto/pipeline/node';

export class TrialKeys {
  private readonly hasher = new ContentHasher();
  private readonly code = new CodeIdentity(this.hasher);

  /** `baseDir`: the base pipeline's folder, which relative paths resolve against. */
  constructor(private readonly baseDir: string) {}

  of(config: PipelineConfig, passes: readonly ResolvedPass[]): string {
    const { outputs: _o, report: _r, ...rest } = config;
    const work = { ...rest, evaluation: { ...rest.evaluation, latencyRuns: 0, perStep: false } };
    const files = Object.fromEntries(
      pipelinePaths(config, passes)
        .filter((f) => f.access === 'read' && !f.field.startsWith('roots.'))
        .map((f) => [f.field, this.content(resolve(this.baseDir, f.path))]),
    );
    const code = passes.map((p) => passCode(p, this.code));
    return sha256(canonicalJson({ enxuto: ENXUTO_VERSION, pipeline: work, files, code }));
  }

  /** sha256 of a file or folder; a missing one is marked (the trial then fails with a typed error). */
  private content(path: string): string {
    try {
      return this.hasher.tree(path);
    } catch {
      return 'unreadable';
    }
  }
}
