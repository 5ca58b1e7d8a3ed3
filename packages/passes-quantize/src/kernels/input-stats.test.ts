import { describe, expect, it } from 'vitest';
import { InputStats } from './input-stats.js';

describe('InputStats', () => {
  it('accumulates H = 2/rows X^T X, mean |x| and the first rows, over chunks of any size', () => {
    const k = 3;
    const x = Float32Array.of(1, 2, 0, -1, 0, 3, 2, 2, 2, 0, -4, 1);
    const s = new InputStats(k, { sampleRows: 3 });
    s.add(x.subarray(0, 3), 1);
    s.add(x.subarray(3), 3);
    expect(s.rows).toBe(4);
    const h = s.hessian();
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let want = 0;
        for (let r = 0; r < 4; r++) want += x[r * k + i]! * x[r * k + j]!;
        expect(h[i * k + j]).toBeCloseTo((2 * want) / 4, 12);
      }
    }
    expect([...s.meanAbs()]).toEqual([1, 2, 1.5]);
    const sample = s.sampleRows();
    expect(sample.rows).toBe(3);
    expect([...sample.x]).toEqual([...x.subarray(0, 9)]);
  });
});
