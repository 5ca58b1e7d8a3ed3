import { describe, expect, it } from 'vitest';
import { measureLatency, percentile, summarizeLatencies } from './measure.js';
import type { Session } from '@enxuto/pass';

describe('latency statistics', () => {
  it('uses nearest-rank percentiles', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 95)).toBe(95);
    expect(percentile([3], 95)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes samples and throughput per batch item', () => {
    const st = summarizeLatencies([4, 2, 6, 8], 3, 10);
    expect(st).toMatchObject({ runs: 4, warmup: 3, minMs: 2, p50Ms: 4, p95Ms: 8, meanMs: 5 });
    expect(st.throughputPerSec).toBeCloseTo(2000, 6);
  });

  it('runs warm-up then timed runs', async () => {
    let calls = 0;
    const fake: Session = {
      inputs: [],
      outputs: [],
      run: async () => {
        calls++;
        return {};
      },
      release: async () => {},
    };
    const st = await measureLatency(fake, {}, { runs: 5, warmup: 2 });
    expect(calls).toBe(7);
    expect(st.runs).toBe(5);
  });
});
