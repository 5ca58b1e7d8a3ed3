import { describe, expect, it } from 'vitest';
import { randomDataset, randomSpecSchema } from '../data/index.js';
import { testPassContext } from './test-context.js';

describe('testPassContext', () => {
  it('hands out the given datasets and names a missing role', () => {
    const ds = randomDataset(randomSpecSchema.parse({ type: 'random', shape: [4], count: 3, seed: 1 }));
    const ctx = testPassContext({ data: { calibration: ds }, seed: 7 });
    expect(ctx.dataset('calibration')).toBe(ds);
    expect(() => ctx.dataset('training')).toThrowError(
      expect.objectContaining({ code: 'config/missing-data', field: 'data.training' }),
    );
    expect(ctx.seed).toBe(7);
  });
  it('is seeded and honours its abort signal', () => {
    const a = testPassContext({ seed: 3 }).rng.next();
    expect(testPassContext({ seed: 3 }).rng.next()).toBe(a);
    const ac = new AbortController();
    const ctx = testPassContext({ signal: ac.signal });
    ctx.throwIfAborted();
    ac.abort();
    expect(() => ctx.throwIfAborted()).toThrow();
  });
});
