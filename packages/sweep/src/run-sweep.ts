// A sweep from start to end: plan and validate every trial, run the ones not yet recorded on the
// engine (local processes or a queue), then measure latency one model at a time and write
// results.json, best.pipeline.yaml and report.html.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '@enxuto/io/node';
import type { StreamLike } from '@enxuto/pipeline/node';
import type { EngineEnd, TrialEngine } from './engine/engine.js';
import { measureLatencies, type LatencyOptions } from './latency.js';
import { planSettings, settingsToSet } from './plan.js';
import { prepareSweep, type PreparedSweep, type PrepareOptions, type TrialVariant } from './prepare.js';
import { sweepProgress } from './progress.js';
import { renderSweepHtml } from './report-html.js';
import { buildResults, readEarlierRecords, writeBestPipeline, writeResultsJson, type SweepResults } from './results.js';
import type { LoadedSweep } from './sweep-file.js';
import type { TrialJob, TrialRecord } from './trial.js';

/** How trials are planned (registry, base overrides, cache, threads, timeout) and where they run. */
export interface RunSweepOptions extends PrepareOptions {
  engine: TrialEngine;
  /** Trials to run instead of the sweep's search (the sensitivity sweep builds its own). */
  variants?: readonly TrialVariant[];
  /** Measure latency after the sweep (default on). */
  latency?: LatencyOptions | false;
  /** Write best.pipeline.yaml (default on; a sensitivity sweep has no best pipeline). */
  bestPipeline?: boolean;
  /** Aborting stops the sweep: running trials are cancelled, the results so far are written. */
  signal?: AbortSignal;
  /** Where progress goes (default: nowhere). */
  stream?: StreamLike;
  tty?: boolean;
}

export interface SweepRun {
  prepared: PreparedSweep;
  results: SweepResults;
  /** Files written: results.json, report.html and, when a trial passed, best.pipeline.yaml. */
  files: string[];
}

/** Statuses worth keeping from an earlier run; a cancelled trial runs again. */
function reusable(r: TrialRecord): boolean {
  if (r.status === 'cancelled') return false;
  return r.status !== 'passed' || (r.model !== undefined && existsSync(r.model));
}

export async function runSweep(sweep: LoadedSweep, opts: RunSweepOptions): Promise<SweepRun> {
  const t0 = performance.now();
  const variants =
    opts.variants ?? planSettings(sweep.config).map((settings) => ({ settings, set: settingsToSet(settings) }));
  const p = await prepareSweep(sweep, variants, opts);
  mkdirSync(sweep.outDir, { recursive: true });
  const jobs = new Map<string, TrialJob>(p.jobs.map((j) => [j.key, j]));
  const byKey = new Map<string, TrialRecord>();
  // Earlier results of this sweep (results.json here, or the queue's store): same work, same key.
  for (const r of [...readEarlierRecords(sweep.outDir), ...(await opts.engine.recorded(p.sweepId))]) {
    const job = jobs.get(r.key);
    if (job && reusable(r)) byKey.set(r.key, { ...r, id: job.id, index: job.index, settings: job.settings });
  }
  const stream = opts.stream ?? { write: () => true };
  const progress = sweepProgress(stream, {
    total: p.jobs.length,
    objective: p.objective,
    tty: opts.tty ?? false,
    already: [...byKey.values()],
  });
  const partial = () =>
    writeResultsJson(
      sweep.outDir,
      buildResults(p, [...byKey.values()], {
        engine: opts.engine.description,
        status: 'running',
        durationSeconds: (performance.now() - t0) / 1000,
      }),
    );
  const pending = p.jobs.filter((j) => !byKey.has(j.key));
  const budget = sweep.config.budget.time;
  let end: EngineEnd = 'done';
  try {
    if (pending.length > 0) {
      end = await opts.engine.run(pending, {
        onStart: (job, worker) => progress.started(job, worker),
        onRecord: (r) => {
          if (byKey.has(r.key)) return;
          byKey.set(r.key, r);
          progress.recorded(r);
          partial();
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(budget !== undefined ? { deadline: Date.now() + budget * 1000 } : {}),
      });
    }
    const records = [...byKey.values()];
    let inputLatencyMs: number | undefined;
    if (end !== 'cancelled' && opts.latency !== false) {
      progress.note('measuring latency of the candidates, one model at a time');
      inputLatencyMs = await measureLatencies(records, p, opts.latency ?? {});
    }
    const results = buildResults(p, records, {
      engine: opts.engine.description,
      status: end,
      durationSeconds: (performance.now() - t0) / 1000,
      inputLatencyMs,
    });
    const files = [writeResultsJson(sweep.outDir, results)];
    const best = results.best ? records.find((r) => r.id === results.best!.id) : undefined;
    if (best && opts.bestPipeline !== false) files.push(writeBestPipeline(p, best));
    const html = join(sweep.outDir, 'report.html');
    atomicWrite(html, new TextEncoder().encode(renderSweepHtml(results)));
    files.push(html);
    return { prepared: p, results, files };
  } finally {
    progress.stop();
  }
}
