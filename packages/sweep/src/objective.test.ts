import { describe, expect, it } from 'vitest';
import { bestTrial, paretoFront } from './objective.js';
import type { TrialRecord } from './trial.js';

function trial(index: number, status: TrialRecord['status'], size: number, accuracy: number): TrialRecord {
  return {
    id: `t${index}`,
    key: `k${index}`,
    index,
    settings: {},
    worker: 'w',
    attempts: 1,
    status,
    seconds: 1,
    metrics: { after: { samples: 1, sizeBytes: size, accuracy, parameters: 1, nonZero: 1 } },
  };
}

describe('ranking', () => {
  const trials = [
    trial(0, 'passed', 100, 0.99),
    trial(1, 'passed', 80, 0.98),
    trial(2, 'gate-failed', 50, 0.5),
    trial(3, 'passed', 90, 0.97), // dominated by 1: bigger and worse
    trial(4, 'passed', 80, 0.98), // ties 1: the earlier trial wins
  ];

  it('picks the best passing trial, ties to the earlier one', () => {
    expect(bestTrial(trials, { metric: 'sizeBytes', direction: 'min' })?.id).toBe('t1');
    expect(bestTrial(trials, { metric: 'accuracy', direction: 'max' })?.id).toBe('t0');
    expect(bestTrial([trials[2]!], { metric: 'sizeBytes', direction: 'min' })).toBeUndefined();
  });

  it('keeps the passing trials no other beats on both size and accuracy', () => {
    expect(paretoFront(trials).map((t) => t.id)).toEqual(['t1', 't0']);
  });
});
