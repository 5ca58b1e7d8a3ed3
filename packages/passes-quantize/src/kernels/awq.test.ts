import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@enxuto/ir';
import { awqScales, channelScales } from './awq.js';
import { InputStats } from './input-stats.js';

describe('awqScales', () => {
  it('scales up the weights of loud input channels and lowers the output error', () => {
    const k = 64;
    const n = 16;
    const rows = 128;
    const r = mulberry32(4);
    const w = Float32Array.from({ length: k * n }, () => r() - 0.5);
    const x = new Float32Array(rows * k);
    for (let i = 0; i < x.length; i++) x[i] = (r() - 0.5) * ((i % k) % 8 === 0 ? 20 : 1);
    const stats = new InputStats(k, { hessian: false, sampleRows: rows });
    stats.add(x, rows);
    const s = stats.sampleRows();
    const res = awqScales([{ w, n }], stats.meanAbs(), s.x, s.rows, k, {
      bits: 3,
      symmetric: true,
      groupSize: 32,
      minClip: 1,
    });
    expect(res.alpha).toBeGreaterThan(0);
    expect(res.errorRatio).toBeLessThan(0.9);
    expect(res.scale[0]).toBeGreaterThan(res.scale[1]!);
  });
  it('alpha 0 is no scaling', () => {
    expect([...channelScales([1, 5, 9], 3, 0, 1)]).toEqual([1, 1, 1]);
  });
});
