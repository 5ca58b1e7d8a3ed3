// Folding BatchNormalization into the preceding layer, as numbers only: per-channel scale and
// shift, then applying them to a weight along its output-channel axis and to a bias.

export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** y = x * scale + shift is BatchNormalization in inference mode. Computed in float64. */
export function batchNormScaleShift(p: BatchNormParams): { scale: Float64Array; shift: Float64Array } {
  const n = p.gamma.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = p.gamma[c]! / Math.sqrt(p.variance[c]! + p.epsilon);
    shift[c] = p.beta[c]! - p.mean[c]! * scale[c]!;
  }
  return { scale, shift };
}

/**
 * Multiplies a weight by `scale` along an output-channel axis: `outer` blocks of `channels` x
 * `inner` values (axis 0 of a Conv weight: outer = 1; columns of a [K, M] Gemm weight: inner = 1).
 */
export function scaleAlongAxis(weight: Float32Array, scale: Float64Array, outer: number, inner: number): Float32Array {
  const channels = scale.length;
  const out = new Float32Array(weight.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scale[c]!;
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = weight[base + i]! * s;
    }
  }
  return out;
}

/** The folded bias: (bias - 0) * scale + shift, with `bias` absent meaning zeros. */
export function foldBias(bias: Float32Array | undefined, scale: Float64Array, shift: Float64Array): Float32Array {
  const out = new Float32Array(scale.length);
  for (let c = 0; c < scale.length; c++) out[c] = (bias ? bias[c]! : 0) * scale[c]! + shift[c]!;
  return out;
}
