import { describe, expect, it } from 'vitest';
import { argmax, compareOutputs, isDistribution, softmax, topK } from './scores.js';

describe('topK', () => {
  it('ranks logits through a softmax, best first', () => {
    const r = topK([1, 3, 2], 2);
    expect(r.map((x) => x.index)).toEqual([1, 2]);
    const e = [Math.exp(1), Math.exp(3), Math.exp(2)];
    const s = e[0]! + e[1]! + e[2]!;
    expect(r[0]!.prob).toBeCloseTo(e[1]! / s, 12);
    expect(r[0]!.raw).toBe(3);
  });

  it('keeps probabilities that already sum to one', () => {
    expect(isDistribution([0.2, 0.8])).toBe(true);
    expect(isDistribution([0.2, 0.7])).toBe(false);
    expect(topK([0.2, 0.8], 5).map((x) => x.prob)).toEqual([0.8, 0.2]);
  });

  it('softmax survives huge logits', () => {
    const p = softmax([1000, 1001]);
    expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe('compareOutputs', () => {
  it('reports top-1 agreement and output differences', () => {
    const a = [
      [0, 1, 0],
      [3, 0, 0],
    ];
    const b = [
      [0, 2, 0],
      [0, 0, 3],
    ];
    const c = compareOutputs(a, b);
    expect(c.samples).toBe(2);
    expect(c.top1Agreement).toBe(0.5);
    expect(c.maxAbsDiff).toBe(3);
    expect(c.meanAbsDiff).toBeCloseTo(7 / 6, 12);
    expect(c.maxProbDiff).toBeGreaterThan(0.8);
    expect(argmax([1, 5, 5])).toBe(1);
  });

  it('refuses outputs of different sizes', () => {
    expect(() => compareOutputs([[1, 2]], [[1, 2, 3]])).toThrow(/sizes differ/);
  });
});
