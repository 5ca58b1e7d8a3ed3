// AWQ-style activation-aware scaling (Lin et al. 2023): input channels that carry large
// activations matter more, so scale their weight rows up by s_k before rounding (finer relative
// steps for them) and divide the input by s_k (x W = (x / s) (s W)). s_k = mean|x_k|^alpha, with
// alpha picked on a grid to minimise the output error |X (W_q - W)|^2 on sample inputs, jointly
// for all weights that read the same input.
import { dequantizeGroupwise, quantizeGroupwise, type GridSpec } from './nbits-grid.js';

export interface AwqWeight {
  /** [K, N] row-major. */
  w: Float32Array;
  n: number;
}

export interface AwqResult {
  /** Per input channel: multiply weight row k by scale[k], divide input channel k by it. */
  scale: Float32Array;
  alpha: number;
  /** Output error with the chosen scales relative to alpha = 0 (plain rounding): <= 1. */
  errorRatio: number;
}

export const AWQ_ALPHAS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Scales for the weights reading one input: `meanAbs` [K] and `x` [rows, K] from InputStats. */
export function awqScales(
  weights: readonly AwqWeight[],
  meanAbs: ArrayLike<number>,
  x: Float32Array,
  rows: number,
  k: number,
  spec: GridSpec,
  alphas: readonly number[] = AWQ_ALPHAS,
): AwqResult {
  let floor = Infinity;
  for (let i = 0; i < k; i++) if (meanAbs[i]! > 0) floor = Math.min(floor, meanAbs[i]!);
  if (!Number.isFinite(floor)) floor = 1;
  let best: AwqResult | undefined;
  let plain = Infinity;
  for (const alpha of alphas) {
    const s = channelScales(meanAbs, k, alpha, floor);
    let loss = 0;
    for (const { w, n } of weights) loss += outputError(w, k, n, s, x, rows, spec);
    if (alpha === 0) plain = loss;
    if (!best || loss < best.errorRatio) best = { scale: s, alpha, errorRatio: loss };
  }
  const b = best!;
  return { ...b, errorRatio: plain > 0 && Number.isFinite(plain) ? b.errorRatio / plain : b.alpha === 0 ? 1 : 0 };
}

/** s_k = mean|x_k|^alpha, normalised so that max(s) * min(s) = 1 (keeps weights and inputs in range). */
export function channelScales(meanAbs: ArrayLike<number>, k: number, alpha: number, floor: number): Float32Array {
  const s = new Float32Array(k);
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < k; i++) {
    const v = Math.max(meanAbs[i]!, floor) ** alpha;
    s[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const norm = Math.sqrt(lo * hi) || 1;
  for (let i = 0; i < k; i++) s[i] = s[i]! / norm;
  return s;
}

/** |X (diag(1/s) Q(diag(s) W) - W)|^2. */
function outputError(
  w: Float32Array,
  k: number,
  n: number,
  s: Float32Array,
  x: Float32Array,
  rows: number,
  spec: GridSpec,
): number {
  const scaled = new Float32Array(k * n);
  for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) scaled[r * n + c] = w[r * n + c]! * s[r]!;
  const back = dequantizeGroupwise(quantizeGroupwise(scaled, k, n, spec), k, n, spec.groupSize);
  const dw = back;
  for (let r = 0; r < k; r++) {
    const inv = 1 / s[r]!;
    for (let c = 0; c < n; c++) dw[r * n + c] = dw[r * n + c]! * inv - w[r * n + c]!;
  }
  let loss = 0;
  const y = new Float64Array(n);
  for (let i = 0; i < rows; i++) {
    y.fill(0);
    for (let r = 0; r < k; r++) {
      const xv = x[i * k + r]!;
      if (xv === 0) continue;
      const base = r * n;
      for (let c = 0; c < n; c++) y[c] += xv * dw[base + c]!;
    }
    for (let c = 0; c < n; c++) loss += y[c]! * y[c]!;
  }
  return loss;
}
