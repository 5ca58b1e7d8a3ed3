import { describe, expect, it } from 'vitest';
import type { EvalMetrics } from '../eval/evaluate.js';
import { checkGate } from './gates.js';

const m = (accuracy: number, sizeBytes: number): EvalMetrics => ({
  samples: 10,
  accuracy,
  sizeBytes,
  parameters: 1,
  nonZero: 1,
});

describe('checkGate', () => {
  it('passes a drop at the limit and fails one beyond it', () => {
    expect(checkGate({ metric: 'accuracy', maxDrop: 0.005 }, m(0.99, 1), m(0.985, 1)).passed).toBe(true);
    const r = checkGate({ metric: 'accuracy', maxDrop: 0.005 }, m(0.99, 1), m(0.98, 1));
    expect(r.passed).toBe(false);
    expect(r.reason).toMatch(/accuracy dropped by 0\.01.*more than 0\.005/);
  });

  it('treats a growth of lower-is-better metrics as the drop', () => {
    expect(checkGate({ metric: 'sizeBytes', maxDrop: 10 }, m(1, 100), m(1, 120)).passed).toBe(false);
    expect(checkGate({ metric: 'sizeBytes', maxDrop: 10 }, m(1, 100), m(1, 50)).passed).toBe(true);
  });

  it('checks min and max, and fails when the metric was not measured', () => {
    expect(checkGate({ metric: 'accuracy', min: 0.99 }, undefined, m(0.98, 1)).passed).toBe(false);
    expect(checkGate({ metric: 'sizeBytes', max: 100 }, undefined, m(1, 101)).reason).toMatch(/above 100/);
    expect(checkGate({ metric: 'agreement', min: 0.9 }, m(1, 1), m(1, 1)).reason).toMatch(/not measured/);
  });
});
