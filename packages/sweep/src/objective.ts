// Ranking trials: the objective's best among the trials whose gates passed, and the Pareto front of
// size against quality (accuracy, or agreement with the input model when there are no labels).
import type { EvalMetrics } from '@enxuto/pipeline';
import type { Objective } from './sweep-file.js';
import type { TrialRecord } from './trial.js';

/** The objective's value of a trial, or undefined when the trial did not measure it. */
export function objectiveValue(r: TrialRecord, o: Objective): number | undefined {
  const v = r.metrics?.after?.[o.metric as keyof EvalMetrics];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The best passing trial: lowest (or highest) objective, ties to the earlier trial of the plan. */
export function bestTrial(records: readonly TrialRecord[], o: Objective): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  let bestV = 0;
  for (const r of [...records].sort((a, b) => a.index - b.index)) {
    if (r.status !== 'passed') continue;
    const v = objectiveValue(r, o);
    if (v === undefined) continue;
    if (best === undefined || (o.direction === 'min' ? v < bestV : v > bestV)) {
      best = r;
      bestV = v;
    }
  }
  return best;
}

/** What the report plots against size: accuracy when labelled, else agreement with the input. */
export function quality(m: EvalMetrics | undefined): number | undefined {
  return m?.accuracy ?? m?.agreement;
}

/**
 * Passing trials that no other passing trial beats on both size (smaller) and quality (higher),
 * sorted by size. Without a quality measure, the smallest trial alone.
 */
export function paretoFront(records: readonly TrialRecord[]): TrialRecord[] {
  const pts = records
    .filter((r) => r.status === 'passed' && r.metrics?.after)
    .map((r) => ({ r, size: r.metrics!.after!.sizeBytes, q: quality(r.metrics!.after) ?? 0 }))
    .sort((a, b) => a.size - b.size || b.q - a.q || a.r.index - b.r.index);
  const front: TrialRecord[] = [];
  let bestQ = Number.NEGATIVE_INFINITY;
  for (const p of pts) {
    if (p.q > bestQ) {
      front.push(p.r);
      bestQ = p.q;
    }
  }
  return front;
}
