import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';
import { entropyThreshold, mseThreshold, rangeFromHistogram } from './calibrate-methods.js';

describe('histogram', () => {
  it('grows by doubling and merges bins exactly', () => {
    const h = new Histogram(8);
    h.add([0.5, -0.5, 0, NaN, Infinity]);
    expect(h.limit).toBe(0.5);
    expect(h.nonFinite).toBe(2);
    expect(h.total).toBe(3);
    // bins of width 0.125 over [-0.5, 0.5]: -0.5 -> bin 0, 0 -> bin 4, 0.5 -> clamped into bin 7
    expect([...h.counts]).toEqual([1, 0, 0, 0, 1, 0, 0, 1]);
    h.add([1.5]);
    expect(h.limit).toBe(2);
    // [-2, 2] with width 0.5: -0.5 -> bin 3, 0 -> bin 4, 0.5 (old last bin [0.375, 0.5)) -> bin 4, 1.5 -> bin 7
    expect([...h.counts]).toEqual([0, 0, 0, 1, 2, 0, 0, 1]);
    expect([...h.absCounts()]).toEqual([3, 0, 0, 1]);
    expect(h.min).toBe(-0.5);
    expect(h.max).toBe(1.5);
  });
  it('keeps a constant-zero tensor', () => {
    const h = new Histogram(8);
    h.add(new Float32Array(10));
    expect(h.limit).toBe(0);
    expect(rangeFromHistogram(h, 'entropy')).toEqual({ min: 0, max: 0 });
  });
});

describe('calibration methods', () => {
  const h = new Histogram(2048);
  // 10,000 values uniform in [-1, 1] plus two outliers at 100
  const data = new Float32Array(10_002);
  for (let i = 0; i < 10_000; i++) data[i] = -1 + (2 * i) / 9_999;
  data[10_000] = 100;
  data[10_001] = 100;
  h.add(data);

  it('min-max is the exact range', () => {
    expect(rangeFromHistogram(h, 'minmax')).toEqual({ min: -1, max: 100 });
  });
  it('percentile clips the outliers', () => {
    const r = rangeFromHistogram(h, 'percentile', { percentile: 99.9 });
    expect(r.max).toBeGreaterThanOrEqual(0.99);
    expect(r.max).toBeLessThan(1.1);
    expect(r.min).toBeLessThanOrEqual(-0.99);
  });
  it('mse keeps rare far outliers when clipping them costs more than coarser steps', () => {
    // clipping 2 values at 100 to ~1 costs 2 * 99^2 ~ 19,600; steps of 100/127 cost ~0.05 each x 10,000
    expect(rangeFromHistogram(h, 'mse').max).toBeGreaterThan(90);
  });
  it('mse cuts a long thin tail', () => {
    const counts = new Float64Array(2048);
    for (let i = 0; i < 2048; i++) counts[i] = Math.round(1e6 * Math.exp(-i / 50));
    const t = mseThreshold(counts, 1, 127);
    expect(t).toBeGreaterThan(200);
    expect(t).toBeLessThan(1200);
  });
  it('entropy clips the outliers down to its 128-bin minimum', () => {
    // |x| bins are 100/1024 wide here (limit 128 over 1024 bins = 0.125): the core fits in 8 bins,
    // so TensorRT's search stops at its smallest candidate, 128 bins = 16.
    expect(rangeFromHistogram(h, 'entropy')).toEqual({ min: -1, max: 16 });
  });
  it('entropy cuts a long exponential tail but keeps the body', () => {
    const counts = new Float64Array(2048);
    for (let i = 0; i < 2048; i++) counts[i] = Math.round(1e6 * Math.exp(-i / 100));
    const t = entropyThreshold(counts, 1, 128);
    expect(t).toBeGreaterThan(300);
    expect(t).toBeLessThan(1500);
  });
  it('mse threshold of a uniform distribution is its end', () => {
    const counts = new Float64Array(1000).fill(1);
    expect(mseThreshold(counts, 0.001, 127)).toBeGreaterThan(0.95);
  });
});
