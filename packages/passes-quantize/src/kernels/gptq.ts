// GPTQ (Frantar et al. 2022): quantize a layer's weights one input channel at a time and spread
// each rounding error over the channels not yet quantized, weighted by the inverse Hessian of the
// layer's reconstruction error, H = 2 X^T X (X: the layer's inputs on calibration data). It is
// Optimal Brain Surgeon with a fixed order, made fast by the Cholesky factor of inv(H) and lazy
// block updates. Weights are [K, N] row-major (MatMul layout): row k holds input channel k for
// every output, so each step updates whole contiguous rows.
import { upperCholeskyOfInverse } from './cholesky.js';
import { checkGrid, groupParamsOfRows, toCode, type GridSpec, type GroupQuantized } from './nbits-grid.js';

export interface GptqOptions extends GridSpec {
  /** Dampening added to H's diagonal, as a fraction of its mean diagonal. */
  damp: number;
  /** Quantize channels in order of decreasing H_kk (activation energy) instead of 0..K-1. */
  actOrder: boolean;
  /** Channels per lazy block update. */
  blockSize: number;
}

export const DEFAULT_GPTQ: Omit<GptqOptions, keyof GridSpec> = { damp: 0.01, actOrder: true, blockSize: 128 };

export interface GptqResult extends GroupQuantized {
  /** The dampening finally used (raised when H was not positive definite). */
  damp: number;
  /**
   * Output error left, relative to the output energy: sum of the OBS losses tr(dW^T H dW) over
   * sum_k H_kk |W_k|^2 (the diagonal part of tr(W^T H W), cheap to get).
   */
  relativeError: number;
}

/**
 * Quantizes `w` ([K, N], not modified) with the Hessian `h` ([K, K], symmetric). With act order,
 * a group's scales are fixed the first time one of its channels comes up, from the group's weights
 * as updated so far, so scales stay per contiguous K block (what MatMulNBits stores).
 */
export function gptqQuantize(w: Float32Array, h: Float64Array, k: number, n: number, opts: GptqOptions): GptqResult {
  checkGrid(opts);
  if (w.length !== k * n || h.length !== k * k) throw new RangeError(`GPTQ needs W [${k}, ${n}] and H [${k}, ${k}]`);
  const perm = channelOrder(h, k, opts.actOrder);
  const { u, damp } = dampedFactor(h, k, perm, opts.damp);
  // Work on a copy with rows in processing order; dead channels (never active) are zeroed.
  const wp = new Float32Array(k * n);
  for (let i = 0; i < k; i++) {
    const r = perm[i]!;
    if (h[r * k + r]! === 0) continue;
    wp.set(w.subarray(r * n, (r + 1) * n), i * n);
  }
  const inv = new Int32Array(k);
  for (let i = 0; i < k; i++) inv[perm[i]!] = i;

  const gsize = opts.groupSize;
  const groups = Math.ceil(k / gsize);
  const codes = new Uint8Array(n * k);
  const scales = new Float32Array(n * groups);
  const zeros = new Uint8Array(n * groups);
  const ready = new Uint8Array(groups);
  const gs = new Float32Array(n);
  const gz = new Uint8Array(n);
  const rowsOfGroup = new Float32Array(gsize * n);
  const qmax = (1 << opts.bits) - 1;
  const bs = Math.max(1, opts.blockSize);
  const err = new Float32Array(bs * n);
  let loss = 0;

  for (let i1 = 0; i1 < k; i1 += bs) {
    const i2 = Math.min(k, i1 + bs);
    for (let i = i1; i < i2; i++) {
      const r = perm[i]!;
      const g = (r / gsize) | 0;
      if (!ready[g]) {
        // The group's rows (original order) as they stand now.
        const r0 = g * gsize;
        const r1 = Math.min(k, r0 + gsize);
        for (let rr = r0; rr < r1; rr++) rowsOfGroup.set(wp.subarray(inv[rr]! * n, (inv[rr]! + 1) * n), (rr - r0) * n);
        groupParamsOfRows(rowsOfGroup, n, 0, r1 - r0, opts, gs, gz);
        for (let c = 0; c < n; c++) {
          scales[c * groups + g] = gs[c]!;
          zeros[c * groups + g] = gz[c]!;
        }
        ready[g] = 1;
      }
      const d = u[i * k + i]!;
      const row = i * n;
      const e = (i - i1) * n;
      for (let c = 0; c < n; c++) {
        const v = wp[row + c]!;
        const s = scales[c * groups + g]!;
        const z = zeros[c * groups + g]!;
        const q = toCode(v, s, z, qmax);
        codes[c * k + r] = q;
        const ec = (v - (q - z) * s) / d;
        err[e + c] = ec;
        loss += ec * ec;
      }
      // Spread the error over the rest of the block now; beyond it, lazily below.
      for (let j = i + 1; j < i2; j++) {
        const f = u[i * k + j]!;
        if (f === 0) continue;
        const rj = j * n;
        for (let c = 0; c < n; c++) wp[rj + c]! -= f * err[e + c]!;
      }
    }
    for (let j = i2; j < k; j++) {
      const rj = j * n;
      for (let i = i1; i < i2; i++) {
        const f = u[i * k + j]!;
        if (f === 0) continue;
        const e = (i - i1) * n;
        for (let c = 0; c < n; c++) wp[rj + c]! -= f * err[e + c]!;
      }
    }
  }
  let energy = 0;
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += w[r * n + c]! * w[r * n + c]!;
    energy += h[r * k + r]! * s;
  }
  return { codes, scales, zeros, groups, damp, relativeError: energy > 0 ? loss / energy : 0 };
}

/** Processing order: by decreasing H_kk with act order (ties by index, so it is deterministic). */
function channelOrder(h: Float64Array, k: number, actOrder: boolean): Int32Array {
  const perm = Int32Array.from({ length: k }, (_, i) => i);
  if (actOrder) perm.sort((a, b) => h[b * k + b]! - h[a * k + a]! || a - b);
  return perm;
}

/** U of inv(H + damp I) in processing order; dampening grows 10x until H is positive definite. */
function dampedFactor(h: Float64Array, k: number, perm: Int32Array, damp0: number): { u: Float64Array; damp: number } {
  let mean = 0;
  for (let i = 0; i < k; i++) mean += h[i * k + i]!;
  mean = mean / k || 1;
  const hp = new Float64Array(k * k);
  for (let damp = damp0; damp <= 1e6; damp = damp > 0 ? damp * 10 : 1e-4) {
    for (let i = 0; i < k; i++) {
      const ri = perm[i]! * k;
      for (let j = 0; j < k; j++) hp[i * k + j] = h[ri + perm[j]!]!;
      // A dead channel gets H_kk = 1 so the factor exists (its weights are zero anyway).
      if (hp[i * k + i] === 0) hp[i * k + i] = 1;
      hp[i * k + i]! += damp * mean;
    }
    const u = upperCholeskyOfInverse(hp, k);
    if (u) return { u, damp };
  }
  throw new RangeError(
    'GPTQ: the Hessian is not positive definite even with heavy dampening (non-finite activations?)',
  );
}

/** tr(dW^T H dW) / tr(W^T H W), dW the quantization error: how much of the layer output is lost. */
export function relativeOutputError(
  w: ArrayLike<number>,
  q: GroupQuantized,
  h: Float64Array,
  k: number,
  n: number,
  groupSize: number,
): number {
  let num = 0;
  let den = 0;
  const dw = new Float64Array(k);
  const wc = new Float64Array(k);
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < k; r++) {
      const g = c * q.groups + ((r / groupSize) | 0);
      wc[r] = w[r * n + c]!;
      dw[r] = wc[r]! - (q.codes[c * k + r]! - q.zeros[g]!) * q.scales[g]!;
    }
    num += quadraticForm(h, dw, k);
    den += quadraticForm(h, wc, k);
  }
  return den > 0 ? num / den : 0;
}

function quadraticForm(h: Float64Array, x: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const ri = i * k;
    let t = 0;
    for (let j = 0; j < k; j++) t += h[ri + j]! * x[j]!;
    s += xi * t;
  }
  return s;
}
