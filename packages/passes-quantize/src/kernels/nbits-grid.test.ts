import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@enxuto/ir';
import { dequantizeGroupwise, gridParams, quantizeGroupwise, toCode } from './nbits-grid.js';

function randomWeights(k: number, n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: k * n }, () => (r() - 0.5) * 2);
}

function sqError(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e += (a[i]! - b[i]!) ** 2;
  return e;
}

describe('gridParams', () => {
  it('symmetric: the extreme maps to code 0 and every code is used', () => {
    const neg = gridParams(-2, 1, 4, true);
    expect(neg).toEqual({ scale: 0.25, zero: 8 });
    expect(toCode(-2, neg.scale, neg.zero, 15)).toBe(0);
    expect(toCode(1.75, neg.scale, neg.zero, 15)).toBe(15);
    // A positive extreme gives a negative scale: still code 0 for it.
    const pos = gridParams(-0.5, 3, 3, true);
    expect(pos.zero).toBe(4);
    expect(pos.scale).toBeCloseTo(-0.75, 7);
    expect(toCode(3, pos.scale, pos.zero, 7)).toBe(0);
  });
  it('asymmetric: [lo, hi] spread over 2^bits - 1 steps, zero exact', () => {
    const p = gridParams(-1, 2, 2, false);
    expect(p.scale).toBe(1);
    expect(p.zero).toBe(1);
    expect(toCode(0, p.scale, p.zero, 3)).toBe(1);
    expect(gridParams(0, 0, 4, false)).toEqual({ scale: 1, zero: 0 });
  });
  it('NaN goes to the zero point, out-of-range values clamp', () => {
    expect(toCode(Number.NaN, 0.5, 8, 15)).toBe(8);
    expect(toCode(100, 0.5, 8, 15)).toBe(15);
    expect(toCode(-100, 0.5, 8, 15)).toBe(0);
  });
});

describe('quantizeGroupwise', () => {
  for (const bits of [2, 3, 4, 8]) {
    for (const symmetric of [true, false]) {
      // Symmetric grids reach one step less on the side opposite the extreme.
      const bound = symmetric ? 1 : 0.5;
      it(`${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'}: every weight within ${bound} step (no clipping)`, () => {
        const k = 70;
        const n = 5;
        const w = randomWeights(k, n, bits * 7 + (symmetric ? 1 : 0));
        const q = quantizeGroupwise(w, k, n, { bits, symmetric, groupSize: 32, minClip: 1 });
        expect(q.groups).toBe(3);
        const back = dequantizeGroupwise(q, k, n, 32);
        for (let r = 0; r < k; r++) {
          for (let c = 0; c < n; c++) {
            const s = Math.abs(q.scales[c * 3 + ((r / 32) | 0)]!);
            expect(Math.abs(back[r * n + c]! - w[r * n + c]!)).toBeLessThanOrEqual(s * bound + 1e-6);
          }
        }
        for (const code of q.codes) expect(code).toBeLessThan(1 << bits);
      });
    }
  }
  it('the clip search never increases the squared error and helps with an outlier', () => {
    const k = 64;
    const n = 8;
    const w = randomWeights(k, n, 3);
    w[5 * n + 2] = 9; // one outlier in column 2
    const plain = quantizeGroupwise(w, k, n, { bits: 3, symmetric: true, groupSize: 64, minClip: 1 });
    const clipped = quantizeGroupwise(w, k, n, { bits: 3, symmetric: true, groupSize: 64, minClip: 0.5 });
    const e0 = sqError(dequantizeGroupwise(plain, k, n, 64), w);
    const e1 = sqError(dequantizeGroupwise(clipped, k, n, 64), w);
    expect(e1).toBeLessThan(e0);
  });
  it('refuses bit widths outside 2..8', () => {
    expect(() =>
      quantizeGroupwise(new Float32Array(4), 4, 1, { bits: 1, symmetric: true, groupSize: 4, minClip: 1 }),
    ).toThrow(/2\.\.8/);
  });
});
