// A trial is one run of the base pipeline with some settings. The job is everything a worker needs
// (signed as a whole on a queue); the key identifies the trial's work, so a result is recorded once
// per key however many times the job is delivered.
import type { EvalMetrics, GateResult } from '@enxuto/pipeline';
import type { Settings } from './plan.js';

export const TRIAL_JOB_VERSION = 1;

export interface TrialJob {
  v: typeof TRIAL_JOB_VERSION;
  /** The sweep this trial belongs to (its results folder, hashed). */
  sweepId: string;
  /** sha256 of the trial's resolved pipeline and input model: the identity of its work. */
  key: string;
  /** Short id (a prefix of the key): trial folder name and what people read. */
  id: string;
  /** Position in the sweep's plan (ties in the objective go to the earlier trial). */
  index: number;
  /** What this trial varies, shown in results and the report. */
  settings: Settings;
  /** The base pipeline as parsed from its file, before any override. */
  pipeline: unknown;
  /** Absolute path of the base pipeline file: relative paths in it resolve against its folder. */
  pipelineFile: string;
  /** Overrides applied to `pipeline` in order (the settings as --set, then the trial's own). */
  set: string[];
  /** Absolute folder for the trial's model and report. */
  trialDir: string;
  /** Pass cache shared by the trials, or null for none. */
  cacheDir: string | null;
  /** The input model as the coordinator saw it: a worker refuses a different file. */
  input: { path: string; sha256: string; bytes: number };
  timeoutMs: number;
  /** onnxruntime intra-op threads of the trial (1 keeps parallel trials from competing). */
  threads: number;
}

export type TrialStatus = 'passed' | 'gate-failed' | 'error' | 'timeout' | 'cancelled';

export interface TrialOutcome {
  status: TrialStatus;
  metrics?: { before?: EvalMetrics; after?: EvalMetrics };
  gates?: GateResult[];
  /** The trial's model (ONNX), when its gates passed. */
  model?: string;
  error?: { code: string; message: string };
  /** Wall time of the trial in its worker process. */
  seconds: number;
}

/** A trial's recorded result: what results.json lists. */
export interface TrialRecord extends TrialOutcome {
  id: string;
  key: string;
  index: number;
  settings: Settings;
  /** Which worker process ran it (host:pid/slot, or local/slot). */
  worker: string;
  /** How many times a worker started it (more than 1 after a worker died or a lock was lost). */
  attempts: number;
}

/** Runs one trial; lives in a worker's child process. */
export type TrialRunner = (job: TrialJob) => Promise<TrialOutcome>;

export function recordOf(job: TrialJob, outcome: TrialOutcome, worker: string, attempts: number): TrialRecord {
  return { id: job.id, key: job.key, index: job.index, settings: job.settings, worker, attempts, ...outcome };
}

/** One short line for a trial's settings: `calibration=entropy perChannel=false`. */
export function settingsLabel(s: Settings): string {
  const parts = Object.entries(s).map(
    ([k, v]) => `${k.split('.').at(-1)}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return parts.join(' ') || '(base)';
}
