import { describe, expect, it } from 'vitest';
import { applyMask, countNonZero, globalMasks, layerMask, magnitudeScores, maskLowest, prunedCount } from './masks.js';

describe('magnitude masks', () => {
  it('prunes exactly the k smallest |w| of a layer', () => {
    const w = [0.5, -0.1, 0.3, -0.7, 0.05, 0.2];
    // |w| sorted: 0.05 (4), 0.1 (1), 0.2 (5), 0.3 (2), 0.5 (0), 0.7 (3)
    expect([...layerMask(magnitudeScores(w), 0.5)]).toEqual([1, 0, 1, 1, 0, 0]);
    expect([...layerMask(magnitudeScores(w), 0)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...layerMask(magnitudeScores(w), 1)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('breaks ties by index and sorts NaN last', () => {
    expect([...maskLowest([1, 1, 1, 1], 2)]).toEqual([0, 0, 1, 1]);
    expect([...maskLowest([Number.NaN, 2, 1], 2)]).toEqual([1, 0, 0]);
  });

  it('rounds the pruned count to nearest and clamps it', () => {
    expect(prunedCount(10, 0.25)).toBe(3);
    expect(prunedCount(10, 0.24)).toBe(2);
    expect(prunedCount(3, 1.5)).toBe(3);
  });

  it('global threshold compares scores across layers', () => {
    const a = [0.1, 0.2, 0.3, 0.4];
    const b = [1, 2, 3, 4];
    // Half of 8 entries: all of layer a goes (its scores are the 4 lowest).
    const [ma, mb] = globalMasks([{ scores: a }, { scores: b }], 0.5);
    expect([...ma!]).toEqual([0, 0, 0, 0]);
    expect([...mb!]).toEqual([1, 1, 1, 1]);
  });

  it('global threshold respects per-layer caps and hands the rest to other layers', () => {
    const a = [0.1, 0.2, 0.3, 0.4];
    const b = [1, 2, 3, 4];
    const [ma, mb] = globalMasks([{ scores: a, maxSparsity: 0.25 }, { scores: b }], 0.5);
    expect([...ma!]).toEqual([0, 1, 1, 1]);
    expect([...mb!]).toEqual([0, 0, 0, 1]);
  });

  it('applyMask writes +0 and countNonZero counts the rest', () => {
    const out = applyMask(Float32Array.from([-1, 2, -3]), [0, 1, 0]);
    expect(Object.is(out[0], 0)).toBe(true);
    expect(Object.is(out[2], 0)).toBe(true);
    expect(countNonZero(out)).toBe(1);
  });
});
