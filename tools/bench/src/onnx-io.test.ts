import { describe, expect, it } from 'vitest';
import { renderOnnxIo } from './onnx-io.js';

describe('the I/O benchmark report', () => {
  const base = {
    fileBytes: 400e6,
    plain: { ms: 1000, maxRssBytes: 480e6 },
    enxuto: { ms: 1600, maxRssBytes: 500e6 },
    throughputRatio: 0.625,
    rssRatio: 1.25,
    plainRssRatio: 1.2,
  };

  it('states both ratios and whether each goal is met', () => {
    const t = renderOnnxIo(base);
    expect(t).toContain('throughput ratio (enxuto / plain): **0.63** (goal >= 0.5: met)');
    expect(t).toContain('peak RSS / file size: **1.25** (goal <= 1.3: met)');
    expect(t).toContain('| enxuto readModel + writeModel | 1600 ms | 500 | 500 MB | 1.25 |');
  });

  it('says NOT met when a goal is missed', () => {
    const t = renderOnnxIo({ ...base, throughputRatio: 0.4, rssRatio: 2 });
    expect(t).toContain('(goal >= 0.5: NOT met)');
    expect(t).toContain('(goal <= 1.3: NOT met)');
  });
});
