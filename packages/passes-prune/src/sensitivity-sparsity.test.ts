import { describe, expect, it } from 'vitest';
import { chooseSparsities } from './sensitivity-sparsity.js';

const a = {
  parameters: 100,
  levels: [
    { sparsity: 0.5, drop: 0.01 },
    { sparsity: 0.9, drop: 0.3 },
  ],
};
const b = {
  parameters: 100,
  levels: [
    { sparsity: 0.5, drop: 0.001 },
    { sparsity: 0.9, drop: 0.002 },
  ],
};

describe('chooseSparsities', () => {
  it('prunes the cheap layer first and meets the target exactly, stopping part way', () => {
    expect(chooseSparsities([a, b], 0.7)).toEqual([0.5, 0.9]);
    const [sa, sb] = chooseSparsities([a, b], 0.8);
    expect(sa).toBeCloseTo(0.7, 12);
    expect(sb).toBe(0.9);
    expect(chooseSparsities([a, b], 0)).toEqual([0, 0]);
  });

  it('never picks a level whose trial failed, and says when the target is out of reach', () => {
    const failed = { parameters: 100, levels: [{ sparsity: 0.5, drop: null }] };
    const [sf, sb] = chooseSparsities([failed, b], 0.4);
    expect(sf).toBe(0);
    expect(sb).toBeCloseTo(0.8, 12);
    expect(() => chooseSparsities([failed, b], 0.5)).toThrow(/reach at most 45.0 % overall, below the target 50.0 %/);
  });
});
