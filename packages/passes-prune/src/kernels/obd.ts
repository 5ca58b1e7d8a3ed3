// Optimal Brain Damage (LeCun, Denker, Solla 1990): deleting weight k raises the loss by about
// s_k = ½·h_kk·w_k², with h_kk the diagonal of the Hessian.

export function obdSaliency(weights: ArrayLike<number>, hessianDiag: ArrayLike<number>): Float32Array {
  if (weights.length !== hessianDiag.length)
    throw new RangeError(`obdSaliency: ${weights.length} weights, ${hessianDiag.length} Hessian entries`);
  const out = new Float32Array(weights.length);
  for (let i = 0; i < out.length; i++) {
    const w = weights[i]!;
    out[i] = 0.5 * Math.max(0, hessianDiag[i]!) * w * w;
  }
  return out;
}
