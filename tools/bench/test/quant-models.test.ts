// The real-model quantization benchmark's own arithmetic: the photo split and the comparison.
import { describe, expect, it } from 'vitest';
import { baseOf, splitPhotos } from '../quant-models/data.js';
import { OutputComparison } from '../quant-models/metrics.js';

describe('quant-models benchmark', () => {
  it('splits the shared photos by base photo: no base on both sides', () => {
    const { calibration, evaluation } = splitPhotos();
    const bases = (files: string[]) => new Set(files.map((f) => baseOf(f.split('/').pop()!)));
    const cal = bases(calibration);
    expect(calibration.length).toBeGreaterThan(50);
    expect(evaluation.length).toBeGreaterThan(calibration.length);
    for (const b of bases(evaluation)) expect(cal.has(b), b).toBe(false);
    expect(baseOf('coral-cat-720p-3.jpg')).toBe('coral-cat-720p');
  });
  it('counts top-1 agreement per sample row and cosine per flattened output', () => {
    const c = new OutputComparison();
    // two samples of 3 classes: the first agrees (class 2), the second does not (0 vs 1)
    c.add({ y: Float32Array.of(0, 1, 5, 3, 2, 1) }, { y: Float32Array.of(0, 2, 4, 1, 2, 1) }, 'y', 2);
    c.add({ y: Float32Array.of(1, 0, 0) }, { y: Float32Array.of(2, 0, 0) }, 'y', 1);
    expect(c.agreement).toBeCloseTo(2 / 3, 12);
    const a = [0, 1, 5, 3, 2, 1, 1, 0, 0];
    const b = [0, 2, 4, 1, 2, 1, 2, 0, 0];
    const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    expect(c.cosines.y).toBeCloseTo(dot / (norm(a) * norm(b)), 12);
  });
});
