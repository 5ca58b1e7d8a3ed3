// What a sweep leaves in its folder: results.json (every trial, the best, the Pareto front) and
// best.pipeline.yaml (the base pipeline with the best settings, runnable from the results folder).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { atomicWrite } from '@enxuto/io/node';
import { applyOverrides, parsePipelineConfig, pipelinePaths, resolvePasses } from '@enxuto/pipeline/node';
import { Document, isScalar, visit } from 'yaml';
import type { EngineEnd } from './engine/engine.js';
import { bestTrial, paretoFront } from './objective.js';
import { settingsToSet } from './plan.js';
import type { PreparedSweep } from './prepare.js';
import type { TrialRecord } from './trial.js';

export const RESULTS_SCHEMA_VERSION = 1;

export interface SweepResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  sweep: {
    id: string;
    file: string | null;
    pipeline: string;
    engine: string;
    objective: PreparedSweep['objective'];
    /** running (written after each trial), done, budget (it ran out) or cancelled. */
    status: EngineEnd | 'running';
    planned: number;
  };
  input: PreparedSweep['input'] & { latencyP50Ms?: number };
  trials: TrialRecord[];
  best: Pick<TrialRecord, 'id' | 'settings' | 'metrics' | 'model'> | null;
  /** Trial ids on the size x quality Pareto front, smallest first. */
  pareto: string[];
  durationSeconds: number;
}

export function buildResults(
  p: PreparedSweep,
  records: readonly TrialRecord[],
  extra: {
    engine: string;
    status: EngineEnd | 'running';
    durationSeconds: number;
    inputLatencyMs?: number | undefined;
  },
): SweepResults {
  const trials = [...records].sort((a, b) => a.index - b.index);
  const best = bestTrial(trials, p.objective);
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    sweep: {
      id: p.sweepId,
      file: p.sweep.file ?? null,
      pipeline: p.sweep.pipelineFile,
      engine: extra.engine,
      objective: p.objective,
      status: extra.status,
      planned: p.jobs.length,
    },
    input: { ...p.input, ...(extra.inputLatencyMs !== undefined ? { latencyP50Ms: extra.inputLatencyMs } : {}) },
    trials,
    best: best
      ? {
          id: best.id,
          settings: best.settings,
          ...(best.metrics ? { metrics: best.metrics } : {}),
          ...(best.model ? { model: best.model } : {}),
        }
      : null,
    pareto: paretoFront(trials).map((r) => r.id),
    durationSeconds: Math.round(extra.durationSeconds * 1000) / 1000,
  };
}

export function writeResultsJson(outDir: string, results: SweepResults): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.json');
  atomicWrite(file, new TextEncoder().encode(`${JSON.stringify(results, null, 2)}\n`));
  return file;
}

/** Records of an earlier run in this folder (a re-run of a local sweep resumes from them). */
export function readEarlierRecords(outDir: string): TrialRecord[] {
  const file = join(outDir, 'results.json');
  if (!existsSync(file)) return [];
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<SweepResults>;
    return Array.isArray(r.trials) ? r.trials.filter((t) => typeof t?.key === 'string') : [];
  } catch {
    return []; // a damaged file means starting over, never wrong results
  }
}

/**
 * The base pipeline with the best settings applied, its relative paths rewritten so that the file
 * works from the results folder: `enxuto run <out>/best.pipeline.yaml` writes where the base would.
 */
export function bestPipelineYaml(p: PreparedSweep, best: TrialRecord): string {
  const raw = applyOverrides(p.base.raw, settingsToSet(best.settings));
  const config = parsePipelineConfig(raw, p.sweep.pipelineFile);
  const outDir = p.sweep.outDir;
  const passes = resolvePasses(config, p.base.registry, p.sweep.pipelineFile);
  const moves = pipelinePaths(config, passes)
    .filter((f) => !isAbsolute(f.path))
    .map((f) => `${f.field}=${JSON.stringify(relativePath(outDir, resolve(p.base.baseDir, f.path)))}`);
  const rebased = applyOverrides(raw, moves);
  const header = [
    `# The best trial (${best.id}) of the sweep ${p.sweep.file ?? ''}: the base pipeline`,
    `# ${p.sweep.pipelineFile} with`,
    ...Object.entries(best.settings).map(([k, v]) => `#   ${k}: ${JSON.stringify(v)}`),
    '# Relative paths are relative to this folder.',
  ];
  const doc = new Document(rebased);
  // Short lists of plain values (shapes, value lists) read better on one line.
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return `${header.join('\n')}\n${doc.toString({ lineWidth: 120 })}`;
}

function relativePath(from: string, to: string): string {
  const r = relative(from, to);
  return r === '' ? '.' : r;
}

export function writeBestPipeline(p: PreparedSweep, best: TrialRecord): string {
  const file = join(p.sweep.outDir, 'best.pipeline.yaml');
  mkdirSync(dirname(file), { recursive: true });
  atomicWrite(file, new TextEncoder().encode(bestPipelineYaml(p, best)));
  return file;
}
