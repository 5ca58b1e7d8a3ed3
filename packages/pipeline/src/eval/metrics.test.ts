import { describe, expect, it } from 'vitest';
import { AccuracyAccumulator, AgreementAccumulator, argmaxRow, inTopK, median } from './metrics.js';

describe('evaluation kernels', () => {
  const outputs = Float32Array.from([
    0.1,
    0.7,
    0.2, // row 0: class 1
    0.5,
    0.2,
    0.3, // row 1: class 0
  ]);

  it('argmax and top-k per row', () => {
    expect(argmaxRow(outputs, 0, 3)).toBe(1);
    expect(argmaxRow(outputs, 1, 3)).toBe(0);
    expect(inTopK(outputs, 1, 3, 2, 2)).toBe(true);
    expect(inTopK(outputs, 1, 3, 1, 2)).toBe(false);
    expect(inTopK(outputs, 0, 3, 7, 5)).toBe(false);
  });

  it('accuracy counts top-1 and top-5 hits', () => {
    const acc = new AccuracyAccumulator();
    acc.add(outputs, [1, 2], 3);
    expect(acc.accuracy).toBe(0.5);
    expect(acc.top5Accuracy).toBe(1);
  });

  it('agreement, cosine and max abs error against a reference', () => {
    const ag = new AgreementAccumulator();
    const ref = Float32Array.from([0.1, 0.7, 0.2, 0.2, 0.5, 0.3]);
    ag.add(outputs, ref, 2, 3);
    expect(ag.agreement).toBe(0.5);
    expect(ag.maxAbsError).toBeCloseTo(0.3, 6);
    const cos1 = (0.5 * 0.2 + 0.2 * 0.5 + 0.3 * 0.3) / (Math.hypot(0.5, 0.2, 0.3) * Math.hypot(0.2, 0.5, 0.3));
    expect(ag.cosine).toBeCloseTo((1 + cos1) / 2, 6);
  });

  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
