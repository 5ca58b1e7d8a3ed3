import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@enxuto/ir';
import { choleskyLower, upperCholeskyOfInverse } from './cholesky.js';

/** A random symmetric positive-definite matrix X^T X + I. */
function randomSpd(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const x = Float64Array.from({ length: 2 * n * n }, () => r() - 0.5);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      for (let p = 0; p < 2 * n; p++) s += x[p * n + i]! * x[p * n + j]!;
      h[i * n + j] = s;
    }
  }
  return h;
}

describe('cholesky', () => {
  it('choleskyLower: L L^T = A', () => {
    const n = 9;
    const a = randomSpd(n, 1);
    const l = a.slice();
    expect(choleskyLower(l, n)).toBe(true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += l[i * n + p]! * l[j * n + p]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 9);
      }
    }
  });
  it('choleskyLower refuses a matrix that is not positive definite', () => {
    expect(choleskyLower(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
  });
  it('upperCholeskyOfInverse: U is upper triangular with U^T U H = I', () => {
    const n = 12;
    const h = randomSpd(n, 2);
    const u = upperCholeskyOfInverse(h, n)!;
    for (let i = 0; i < n; i++) {
      expect(u[i * n + i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(u[i * n + j]).toBe(0);
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // (U^T U H)_ij = sum_p sum_q U_pi U_pq H_qj
        let s = 0;
        for (let p = 0; p < n; p++) {
          let t = 0;
          for (let q = 0; q < n; q++) t += u[p * n + q]! * h[q * n + j]!;
          s += u[p * n + i]! * t;
        }
        expect(s).toBeCloseTo(i === j ? 1 : 0, 8);
      }
    }
  });
});
