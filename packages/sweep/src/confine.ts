// A queue worker touches only files under the roots it was started with (--root): the trial's
// input, data files, results folder and cache must all resolve (symlinks followed) inside one. A
// job naming anything else is refused before its pipeline is even loaded.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import {
  applyOverrides,
  parsePipelineConfig,
  type PassRegistry,
  pipelinePaths,
  resolvePasses,
} from '@enxuto/pipeline/node';
import type { TrialJob } from './trial.js';

/** Real path of `p`, or of its nearest existing ancestor joined with the rest (for outputs). */
function realish(p: string): string {
  let dir = resolve(p);
  const rest: string[] = [];
  while (!existsSync(dir) && dirname(dir) !== dir) {
    rest.unshift(dir.slice(dirname(dir).length + 1));
    dir = dirname(dir);
  }
  return resolve(realpathSync(dir), ...rest);
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Real paths of the roots (each must exist). */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map((r) => {
    if (!existsSync(r)) throw new ConfigError(`root ${r} does not exist`, { code: 'queue/bad-root', field: '--root' });
    return realpathSync(r);
  });
}

/**
 * Every file the trial reads or writes, as [field, absolute path]. With the worker's registry (its
 * plugins loaded), the files the passes' options name too (sensitivity, teacher).
 */
export function trialFiles(job: TrialJob, registry?: PassRegistry): [string, string][] {
  const baseDir = dirname(job.pipelineFile);
  const config = parsePipelineConfig(applyOverrides(job.pipeline, job.set), job.pipelineFile);
  const passes = registry ? resolvePasses(config, registry, job.pipelineFile) : [];
  const files: [string, string][] = pipelinePaths(config, passes).map((f) => [f.field, resolve(baseDir, f.path)]);
  files.push(['trialDir', job.trialDir]);
  if (job.cacheDir) files.push(['cacheDir', job.cacheDir]);
  return files;
}

/** Throws a ConfigError naming the first file of the trial outside every root. */
export function checkTrialInsideRoots(job: TrialJob, roots: readonly string[], registry?: PassRegistry): void {
  for (const [field, path] of trialFiles(job, registry)) {
    const real = realish(path);
    if (!roots.some((r) => inside(r, real))) {
      throw new ConfigError(`${path} is outside this worker's roots (${roots.join(', ')}); start it with --root`, {
        code: 'queue/outside-roots',
        field,
        file: job.pipelineFile,
      });
    }
  }
}
