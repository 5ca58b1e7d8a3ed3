// Before any pass runs: every output, the report and the cache folder are planned and checked —
// creatable (names fit, parents are folders, permission), not a protected file (the run's
// inputs), and not overlapping one another — so a run never fails after its first write because
// of a path it could have checked at the start. Nothing is created here.
import { join, relative, resolve, sep } from 'node:path';
import { checkWritable, type ProtectedFiles } from '@enxuto/io/node';
import { planModelOutput } from '@enxuto/formats/node';
import { ConfigError, type EnxutoError, type ErrorDetails, isEnxutoError } from '@enxuto/ir';
import type { OutputEntry, PipelineConfig } from '../config/schema.js';
import { checkCacheDir } from './cache.js';

export interface PlannedOutput {
  path: string;
  format: string;
  /** Format write options (`outputs[i].options`), checked by the format. */
  options: Record<string, unknown>;
}

export interface RunPlan {
  outputs: PlannedOutput[];
  /** report.json and report.html, when the pipeline asks for a report. */
  reportFiles: string[];
}

export interface PlanOptions {
  baseDir: string;
  protect: ProtectedFiles;
  force: boolean;
  cacheDir: string | undefined;
  /** The pipeline file, for messages. */
  file: string | undefined;
}

const within = (child: string, folder: string) => {
  const rel = relative(folder, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

/** Re-locates an error at the pipeline field that named the path (the path stays in the message). */
function at<T>(field: string, file: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isEnxutoError(e)) throw e;
    const Ctor = e.constructor as new (m: string, d: ErrorDetails) => EnxutoError;
    const path = e.file !== undefined && !e.message.includes(e.file) ? ` (${e.file})` : '';
    throw new Ctor(`${e.message}${path}`, { code: e.code, field, cause: e, ...(file ? { file } : {}) });
  }
}

export function planRun(config: PipelineConfig, opts: PlanOptions): RunPlan {
  const { baseDir, protect, force, file } = opts;
  const where = (field: string) => ({ field, ...(file ? { file } : {}) });
  // Every path some write will own: a file, or a whole folder (TF.js output, report folder).
  const claims: { path: string; folder: boolean; field: string }[] = [];
  const claim = (path: string, folder: boolean, field: string) => {
    for (const c of claims) {
      if (c.field === field) continue; // an output's own files sit in its own folder
      const clash = path === c.path || (c.folder && within(path, c.path)) || (folder && within(c.path, path));
      if (clash) {
        throw new ConfigError(`${path} overlaps ${c.path} (${c.field}): two writes would land on each other`, {
          code: path === c.path ? 'config/duplicate-output' : 'config/overlapping-output',
          ...where(field),
        });
      }
    }
    claims.push({ path, folder, field });
  };
  const outputs = config.outputs.map((o: OutputEntry, i) => {
    const entry = typeof o === 'string' ? { path: o } : o;
    const path = resolve(baseDir, entry.path);
    const field = `outputs.${i}`;
    const options = 'options' in entry ? (entry.options ?? {}) : {};
    const format = 'format' in entry ? entry.format : undefined;
    const plan = at(field, file, () =>
      planModelOutput(path, { ...options, force, protect, ...(format ? { format } : {}) }),
    );
    if (plan.kind === 'folder') claim(path, true, field);
    for (const f of plan.files) claim(f, false, field);
    return { path, format: plan.format, options };
  });
  const reportFiles: string[] = [];
  if (config.report) {
    const dir = resolve(baseDir, config.report);
    at('report', file, () => checkWritable(dir, { kind: 'folder', field: 'report' }));
    for (const name of ['report.json', 'report.html']) {
      const f = join(dir, name);
      at('report', file, () => {
        checkWritable(f, { kind: 'file', field: 'report' });
        protect.assertWritable(f, { field: 'report' });
      });
      claim(f, false, 'report');
      reportFiles.push(f);
    }
  }
  if (opts.cacheDir) {
    const dir = opts.cacheDir;
    at('cacheDir', file, () => checkCacheDir(dir));
    const hit = claims.find((c) => within(c.path, dir) || within(dir, c.path));
    if (hit) {
      throw new ConfigError(`the cache folder ${dir} overlaps ${hit.path} (${hit.field})`, {
        code: 'config/overlapping-output',
        ...where('cacheDir'),
      });
    }
  }
  return { outputs, reportFiles };
}
