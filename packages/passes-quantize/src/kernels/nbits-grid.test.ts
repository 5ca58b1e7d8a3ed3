import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@enxuto/ir';
import { dequantizeGroupwise, gridParams, quantizeGroupwise, toCode, type GridSpec } from './nbits-grid.js';

function randomWeights(k: number, n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: k * n }, () => (r() - 0.5) * 2);
}

function sqError(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e += (a[i]! - b[i]!) ** 2;
  return e;
}

/** The clip search written plainly: every factor 1, 0.95, ... >= minClip in turn, first best wins. */
function referenceGroupwise(w: Float32Array, k: number, n: number, spec: GridSpec) {
  const groups = Math.ceil(k / spec.groupSize);
  const qmax = (1 << spec.bits) - 1;
  const scales = new Float32Array(n * groups);
  const zeros = new Uint8Array(n * groups);
  const codes = new Uint8Array(n * k);
  const code = (v: number, s: number, z: number) => Math.min(qmax, Math.max(0, Math.round(v / s) + z));
  for (let c = 0; c < n; c++) {
    for (let g = 0; g < groups; g++) {
      const rows = [];
      for (let r = g * spec.groupSize; r < Math.min(k, (g + 1) * spec.groupSize); r++) rows.push(w[r * n + c]!);
      const lo = Math.min(0, ...rows);
      const hi = Math.max(0, ...rows);
      let best = Infinity;
      for (let clip = 1; clip >= spec.minClip - 1e-9; clip -= 0.05) {
        const p = gridParams(lo * clip, hi * clip, spec.bits, spec.symmetric);
        const err = rows.reduce((e, v) => e + (v - (code(v, p.scale, p.zero) - p.zero) * p.scale) ** 2, 0);
        if (err < best) {
          best = err;
          scales[c * groups + g] = p.scale;
          zeros[c * groups + g] = p.zero;
        }
      }
      const s = scales[c * groups + g]!;
      const z = zeros[c * groups + g]!;
      rows.forEach((v, j) => (codes[c * k + g * spec.groupSize + j] = code(v, s, z)));
    }
  }
  return { scales, zeros, codes };
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
  it('equals a plain exhaustive clip search (Math.round, one factor at a time) code for code', () => {
    // The kernel transposes groups and scores two factors per pass; the result must not change.
    for (const [k, n, groupSize] of [
      [70, 9, 32],
      [128, 33, 16],
      [96, 4, 64],
    ] as const) {
      for (const bits of [2, 3, 4, 8]) {
        for (const symmetric of [true, false]) {
          for (const minClip of [1, 0.75, 0.5]) {
            const w = randomWeights(k, n, bits * 31 + k);
            for (let i = 0; i < w.length; i += 29) w[i] = w[i]! * 6; // outliers worth clipping
            const spec = { bits, symmetric, groupSize, minClip };
            const q = quantizeGroupwise(w, k, n, spec);
            const ref = referenceGroupwise(w, k, n, spec);
            const label = `${k}x${n}/${groupSize} ${bits}-bit ${symmetric} ${minClip}`;
            expect(q.scales, label).toEqual(ref.scales);
            expect(q.zeros, label).toEqual(ref.zeros);
            expect(q.codes, label).toEqual(ref.codes);
          }
        }
      }
    }
  });
  it("'nk' (a stored [N, K] weight) gives the codes of its transpose in 'kn', and the mean squared error", () => {
    const [k, n] = [80, 7];
    const w = randomWeights(k, n, 11);
    const t = new Float32Array(k * n);
    for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) t[c * k + r] = w[r * n + c]!;
    const spec = { bits: 4, symmetric: false, groupSize: 32, minClip: 0.75 };
    const a = quantizeGroupwise(w, k, n, spec);
    const b = quantizeGroupwise(t, k, n, spec, 'nk');
    expect(b.codes).toEqual(a.codes);
    expect(b.scales).toEqual(a.scales);
    expect(b.zeros).toEqual(a.zeros);
    const mse = sqError(dequantizeGroupwise(a, k, n, 32), w) / (k * n);
    // The reference dequantizes to float32: equal to ~1e-7 relative.
    expect(Math.abs(a.mse - mse) / mse).toBeLessThan(1e-6);
    expect(Math.abs(b.mse - mse) / mse).toBeLessThan(1e-6);
    expect(a.mse).toBeGreaterThan(0);
  });
  it('a column holding NaN keeps the unclipped grid and stores NaN as real 0', () => {
    const k = 32;
    const w = randomWeights(k, 2, 5);
    w[3 * 2 + 1] = Number.NaN;
    const q = quantizeGroupwise(w, k, 2, { bits: 4, symmetric: false, groupSize: 32, minClip: 0.75 });
    let lo = 0;
    let hi = 0;
    for (let r = 0; r < k; r++) if (r !== 3) [lo, hi] = [Math.min(lo, w[r * 2 + 1]!), Math.max(hi, w[r * 2 + 1]!)];
    expect({ scale: q.scales[1], zero: q.zeros[1] }).toEqual(gridParams(lo, hi, 4, false));
    expect(q.codes[k + 3]).toBe(q.zeros[1]);
  });
  it('refuses bit widths outside 2..8', () => {
    expect(() =>
      quantizeGroupwise(new Float32Array(4), 4, 1, { bits: 1, symmetric: true, groupSize: 4, minClip: 1 }),
    ).toThrow(/2\.\.8/);
  });
});
