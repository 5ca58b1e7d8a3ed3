import { ConfigError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { learningRate } from './schedules.js';

describe('learning-rate schedules', () => {
  it('constant, step, cosine and exponential give the stated rates', () => {
    expect([0, 5, 9].map((e) => learningRate(0.1, e, 10))).toEqual([0.1, 0.1, 0.1]);
    const step = { type: 'step', lr: 0.1, stepSize: 2, gamma: 0.5 } as const;
    expect([0, 1, 2, 3, 4].map((e) => learningRate(step, e, 5))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const cos = { type: 'cosine', lr: 1, minLr: 0.2 } as const;
    expect(learningRate(cos, 0, 5)).toBe(1);
    expect(learningRate(cos, 2, 5)).toBeCloseTo(0.6, 12);
    expect(learningRate(cos, 4, 5)).toBeCloseTo(0.2, 12);
    const exp = { type: 'exponential', lr: 0.5, gamma: 0.9 } as const;
    expect(learningRate(exp, 3, 10)).toBeCloseTo(0.5 * 0.9 ** 3, 12);
  });
  it('rejects a non-positive rate or step size', () => {
    expect(() => learningRate(0, 0, 1)).toThrow(ConfigError);
    expect(() => learningRate({ type: 'step', lr: 0.1, stepSize: 0 }, 0, 1)).toThrow(/stepSize/);
  });
});
