import { describe, expect, it } from 'vitest';
import { obdSaliency } from './obd.js';
import { polynomialSparsity, polynomialSteps } from './schedule.js';
import { channelNorms, channelSums, keepHighest, sliceAxis } from './channel-scores.js';
import { toSparseIfSmaller } from './sparse.js';
import { float32Tensor } from '@enxuto/ir';

describe('OBD saliency', () => {
  it('is ½·h·w²', () => {
    const s = obdSaliency([2, -3, 0.5], [1, 0.5, 8]);
    expect([...s]).toEqual([2, 2.25, 1]);
  });
  it('treats negative Hessian estimates as zero', () => {
    expect(obdSaliency([1], [-4])[0]).toBe(0);
  });
});

describe('polynomial schedule (Zhu & Gupta)', () => {
  it('goes from s_i to s_f with a cubic', () => {
    const s = { from: 0, to: 0.9, steps: 4 };
    expect(polynomialSparsity(0, s)).toBeCloseTo(0);
    expect(polynomialSparsity(2, s)).toBeCloseTo(0.9 - 0.9 * 0.125);
    expect(polynomialSparsity(4, s)).toBeCloseTo(0.9);
    const steps = polynomialSteps(s);
    expect(steps).toHaveLength(4);
    expect(steps[0]).toBeCloseTo(0.9 * (1 - 0.75 ** 3));
    expect(steps.every((v, i) => i === 0 || v > steps[i - 1]!)).toBe(true);
  });
});

describe('channel scores', () => {
  const w = [1, -2, 3, -4, 0, 1]; // shape [2, 3]: rows (1,-2,3), (-4,0,1)
  it('norms per output channel along axis 0 and axis 1', () => {
    expect([...channelNorms(w, [2, 3], 0, 'l1')]).toEqual([6, 5]);
    expect(channelNorms(w, [2, 3], 0, 'l2')[1]).toBeCloseTo(Math.sqrt(17));
    expect([...channelNorms(w, [2, 3], 1, 'l1')]).toEqual([5, 2, 4]);
    expect([...channelSums(w, [2, 3], 1)]).toEqual([-3, -2, 4]);
  });
  it('keeps the highest scores in index order and slices them', () => {
    expect(keepHighest([0.1, 0.9, 0.5, 0.7], 2)).toEqual([1, 3]);
    expect([...sliceAxis(Float32Array.from(w), [2, 3], 1, [0, 2])]).toEqual([1, 3, -4, 1]);
  });
});

describe('sparse storage', () => {
  it('uses COO only when it is smaller', () => {
    const dense = float32Tensor([10], [0, 0, 0, 0, 5, 0, 0, 0, 0, 0]);
    const s = toSparseIfSmaller(dense)!;
    expect(s.nonZero.size).toBe(1);
    expect([...s.toFloat32()]).toEqual([...dense.toFloat32()]);
    expect(toSparseIfSmaller(float32Tensor([4], [1, 0, 2, 0]))).toBeUndefined();
  });
});
