// The error of a weight's quantized round trip, shared by every report of it.

/** Mean squared difference over the finite differences (NaN/Inf weights have no meaningful error). */
export function finiteMse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d - d !== 0) continue;
    err += d * d;
    n++;
  }
  return n ? err / n : 0;
}
