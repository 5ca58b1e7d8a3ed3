// Messages between the pool and its trial worker processes (over the fork IPC channel).
import type { TrialJob, TrialOutcome } from '../trial.js';

export type ParentMessage = { type: 'run'; job: TrialJob };
export type ChildMessage = { type: 'ready' } | { type: 'done'; outcome: TrialOutcome };
