// Dense symmetric positive-definite helpers for second-order quantization (GPTQ), on row-major
// Float64Array n x n matrices.

/** In-place lower Cholesky factor (A = L L^T; the upper triangle is zeroed). False if A is not positive definite. */
export function choleskyLower(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let p = 0; p < j; p++) d -= a[rj + p]! * a[rj + p]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let p = 0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
      a[ri + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[i * n + j] = 0;
  }
  return true;
}

/**
 * In-place inverse of a lower-triangular matrix, row by row: row i of X = inv(L) is
 * -(sum_{p<i} L_ip X_p) / L_ii with X_ii = 1 / L_ii. Rows above i already hold X (L's rows are
 * not needed again), and the sum runs over contiguous rows.
 */
export function invertLower(l: Float64Array, n: number): void {
  const acc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    acc.fill(0, 0, i);
    for (let p = 0; p < i; p++) {
      const c = l[ri + p]!;
      if (c === 0) continue;
      const rp = p * n;
      for (let j = 0; j <= p; j++) acc[j] += c * l[rp + j]!;
    }
    const d = l[ri + i]!;
    for (let j = 0; j < i; j++) l[ri + j] = -acc[j]! / d;
    l[ri + i] = 1 / d;
  }
}

/**
 * The upper-triangular U with inv(H) = U^T U (what GPTQ calls the Cholesky of the inverse
 * Hessian), from one Cholesky and one triangular inverse: with P the order reversal and
 * P H P = L L^T, H = A A^T for the upper-triangular A = P L P, so inv(H) = inv(A)^T inv(A) and
 * U = inv(A) = P inv(L) P. Returns undefined when H is not positive definite.
 */
export function upperCholeskyOfInverse(h: Float64Array, n: number): Float64Array | undefined {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)]!;
  if (!choleskyLower(r, n)) return undefined;
  invertLower(r, n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = r[(n - 1 - i) * n + (n - 1 - j)]!;
  return u;
}
