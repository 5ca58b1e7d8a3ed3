// The live progress of a sweep: a line per finished trial, and on a terminal a status line redrawn
// under them (done, passed, running, best so far, elapsed and an estimate of what is left).
import type { StreamLike } from '@enxuto/pipeline/node';
import { formatDuration } from './duration.js';
import { bestTrial, objectiveValue } from './objective.js';
import type { Objective } from './sweep-file.js';
import { settingsLabel, type TrialJob, type TrialRecord } from './trial.js';

export interface SweepProgress {
  started(job: TrialJob, worker: string): void;
  recorded(r: TrialRecord): void;
  /** A line of its own (phases: latency, writing results). */
  note(text: string): void;
  stop(): void;
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function formatMetric(metric: string, v: number): string {
  if (metric === 'sizeBytes') return kib(v);
  if (metric === 'latencyP50Ms') return `${v.toFixed(3)} ms`;
  if (['accuracy', 'top5', 'agreement'].includes(metric)) return pct(v);
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** One line for a finished trial. */
export function trialLine(r: TrialRecord, total: number, o: Objective): string {
  const a = r.metrics?.after;
  const facts = [
    r.status,
    ...(a ? [kib(a.sizeBytes)] : []),
    ...(a?.accuracy !== undefined ? [`accuracy ${pct(a.accuracy)}`] : []),
    ...(a?.agreement !== undefined && a.accuracy === undefined ? [`agreement ${pct(a.agreement)}`] : []),
    ...(o.metric !== 'sizeBytes' && objectiveValue(r, o) !== undefined && !['accuracy', 'agreement'].includes(o.metric)
      ? [`${o.metric} ${formatMetric(o.metric, objectiveValue(r, o)!)}`]
      : []),
    ...(r.status === 'gate-failed' ? (r.gates ?? []).filter((g) => !g.passed).map((g) => g.reason ?? g.metric) : []),
    ...(r.error ? [r.error.message] : []),
  ];
  return `trial ${r.index + 1}/${total} ${r.id} ${settingsLabel(r.settings)}: ${facts.join(', ')} (${r.seconds.toFixed(1)} s, ${r.worker}${r.attempts > 1 ? `, attempt ${r.attempts}` : ''})`;
}

export function sweepProgress(
  stream: StreamLike,
  opts: { total: number; objective: Objective; tty: boolean; already?: readonly TrialRecord[] },
): SweepProgress {
  const t0 = Date.now();
  const records: TrialRecord[] = [...(opts.already ?? [])];
  const resumed = records.length;
  const running = new Map<string, string>();
  let drawn = false;
  const status = () => {
    const passed = records.filter((r) => r.status === 'passed').length;
    const best = bestTrial(records, opts.objective);
    const bv = best ? objectiveValue(best, opts.objective) : undefined;
    const elapsed = (Date.now() - t0) / 1000;
    const doneHere = records.length - resumed;
    const left = opts.total - records.length;
    const eta = doneHere > 0 && left > 0 ? ` · ~${formatDuration((elapsed / doneHere) * left)} left` : '';
    return (
      `sweep: ${records.length}/${opts.total} trials · ${passed} passed · ${records.length - passed} not · ${running.size} running` +
      `${best && bv !== undefined ? ` · best ${formatMetric(opts.objective.metric, bv)} (${best.id})` : ''} · ${formatDuration(elapsed)}${eta}`
    );
  };
  const redraw = () => {
    if (!opts.tty) return;
    stream.write(`\r\x1b[2K${status()}`);
    drawn = true;
  };
  const line = (text: string) => {
    if (opts.tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
    stream.write(`${text}\n`);
    redraw();
  };
  const ticker = opts.tty ? setInterval(redraw, 1000) : undefined;
  ticker?.unref();
  if (resumed > 0) line(`sweep: resuming, ${resumed} of ${opts.total} trials already recorded`);
  return {
    started(job, worker) {
      running.set(job.key, worker);
      redraw();
    },
    recorded(r) {
      running.delete(r.key);
      records.push(r);
      line(trialLine(r, opts.total, opts.objective));
      if (!opts.tty && records.length % 5 === 0) stream.write(`${status()}\n`);
    },
    note: (text) => line(text),
    stop() {
      if (ticker) clearInterval(ticker);
      if (opts.tty && drawn) stream.write('\r\x1b[2K');
      drawn = false;
      stream.write(`${status()}\n`);
    },
  };
}
