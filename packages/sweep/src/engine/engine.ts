// Where trials run: the engine. The sweep hands it jobs and gets back each trial's record exactly
// once; local worker processes and a BullMQ queue are the two engines.
import type { TrialJob, TrialRecord } from '../trial.js';

export interface EngineHooks {
  /** A worker started a trial (for the progress line). */
  onStart?(job: TrialJob, worker: string): void;
  /** A trial's result, recorded: called once per trial key. */
  onRecord(record: TrialRecord): void;
  /** Aborting stops the sweep now: running trials are cancelled. */
  signal?: AbortSignal;
  /** Epoch milliseconds after which no new trial starts (the time budget). */
  deadline?: number;
}

/**
 * How a run of the engine ended: every trial recorded, the budget ran out, the sweep was cancelled,
 * or (on a queue) the coordinator stopped while its trials stay queued for a later run to collect.
 */
export type EngineEnd = 'done' | 'budget' | 'cancelled' | 'detached';

export interface TrialEngine {
  /** For the progress line and results.json: 'local, 2 workers', 'redis://host:6379'. */
  readonly description: string;
  /** Results this sweep already recorded (a restarted coordinator resumes from them). */
  recorded(sweepId: string): Promise<TrialRecord[]>;
  /** Runs the jobs; resolves when every one is recorded, the budget ran out or the sweep was cancelled. */
  run(jobs: readonly TrialJob[], hooks: EngineHooks): Promise<EngineEnd>;
  close(): Promise<void>;
}
