import { describe, expect, it } from 'vitest';
import { gridSize, planSettings, settingsToSet } from './plan.js';
import { parseSweepConfig } from './sweep-file.js';

const sweep = (extra: Record<string, unknown>) => parseSweepConfig({ pipeline: 'p.yaml', ...extra });

describe('planSettings', () => {
  it('walks the grid with the first path varying slowest, and cuts it at the trial budget', () => {
    const c = sweep({ search: { 'a.x': [1, 2], 'b.y': ['u', 'v', 'w'] } });
    expect(gridSize(c.search!)).toBe(6);
    expect(planSettings(c)).toEqual([
      { 'a.x': 1, 'b.y': 'u' },
      { 'a.x': 1, 'b.y': 'v' },
      { 'a.x': 1, 'b.y': 'w' },
      { 'a.x': 2, 'b.y': 'u' },
      { 'a.x': 2, 'b.y': 'v' },
      { 'a.x': 2, 'b.y': 'w' },
    ]);
    expect(planSettings({ ...c, budget: { trials: 2 } })).toHaveLength(2);
  });

  it('samples distinct settings with a seed: same seed, same settings; ranges only in random search', () => {
    const c = sweep({
      search: { sparsity: { min: 0.5, max: 0.95 }, lr: { min: 1e-4, max: 1e-2, log: true }, bits: [4, 8] },
      random: { count: 5, seed: 7 },
    });
    const a = planSettings(c);
    expect(a).toEqual(planSettings(c));
    expect(a).not.toEqual(planSettings({ ...c, random: { count: 5, seed: 8 } }));
    expect(new Set(a.map((s) => JSON.stringify(s))).size).toBe(5);
    for (const s of a) {
      expect(s.sparsity as number).toBeGreaterThanOrEqual(0.5);
      expect(s.sparsity as number).toBeLessThanOrEqual(0.95);
      expect(s.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect([4, 8]).toContain(s.bits);
    }
    expect(() => sweep({ search: { sparsity: { min: 0.5, max: 0.9 } } })).toThrowError(
      expect.objectContaining({ code: 'sweep/range-needs-random', field: 'search.sparsity' }),
    );
  });

  it('a random count larger than the grid is the whole grid, once each', () => {
    const c = sweep({ search: { a: [1, 2, 3] }, random: { count: 10 } });
    expect(planSettings(c)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('writes settings as --set arguments whose values parse back', () => {
    expect(settingsToSet({ 'passes.0.options.calibration': 'entropy', 'x.y': [1, 2], z: false })).toEqual([
      'passes.0.options.calibration="entropy"',
      'x.y=[1,2]',
      'z=false',
    ]);
  });
});
