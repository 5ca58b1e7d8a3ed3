// Bias correction (Nagel et al. 2019): weight rounding shifts the expected output of a layer by
// (W_q - W) E[x]. Subtracting that shift from the float bias makes the quantized layer unbiased.
// E[x] per input channel comes from calibration data.
import { constOf, dequantizeValues, tensorFromValues, type Graph, type Node } from '@enxuto/ir';
import { quantizeWeightTensor, type WeightSpec } from './weights.js';

export interface BiasCorrection {
  node: string;
  /** Largest |shift| removed from a bias element. */
  maxShift: number;
}

/** Layers whose bias can be corrected, and the value whose channel means are needed. */
export function correctableLayers(g: Graph): Node[] {
  return [...g].filter(
    (n) =>
      n.domain === '' &&
      (n.opType === 'Conv' || (n.opType === 'Gemm' && n.getInt('transA', 0) === 0)) &&
      constOf(n.inputs[1])?.dtype === 'float32' &&
      n.inputs[0] &&
      (!n.inputs[2] || constOf(n.inputs[2])?.dtype === 'float32'),
  );
}

/**
 * `means`: per input channel (Conv) or per input feature (Gemm) mean of each layer's input.
 * `spec(n)`: how the weight of `n` will be quantized (axis per layer).
 */
export function correctBiases(
  g: Graph,
  layers: Node[],
  means: ReadonlyMap<Node, Float64Array>,
  spec: (n: Node) => WeightSpec,
): BiasCorrection[] {
  const out: BiasCorrection[] = [];
  for (const n of layers) {
    const mean = means.get(n);
    const wv = n.inputs[1]!;
    const w = constOf(wv)!;
    if (!mean) continue;
    const s = spec(n);
    const q = quantizeWeightTensor(w, s);
    const wf = w.toFloat32();
    // DQ(Q(W)) - W, element by element
    const back = dequantizeValues(
      q.q.values() as Int8Array,
      { dtype: s.type, scale: q.scale, zeroPoint: q.zeroPoint, ...(q.axis !== undefined ? { axis: q.axis } : {}) },
      w.shape,
    );
    const err = new Float64Array(wf.length);
    for (let i = 0; i < wf.length; i++) err[i] = back[i]! - wf[i]!;
    let shift: Float64Array;
    if (n.opType === 'Conv') {
      const [m, cin] = w.shape as [number, number];
      const k = w.size / (m * cin);
      if (mean.length !== cin) continue;
      shift = new Float64Array(m);
      for (let o = 0; o < m; o++)
        for (let c = 0; c < cin; c++) for (let j = 0; j < k; j++) shift[o]! += err[(o * cin + c) * k + j]! * mean[c]!;
    } else {
      const [r, c] = w.shape as [number, number];
      const trans = n.getInt('transB', 0) === 1;
      const kDim = trans ? c : r;
      const nDim = trans ? r : c;
      if (mean.length !== kDim) continue;
      shift = new Float64Array(nDim);
      for (let kk = 0; kk < kDim; kk++)
        for (let o = 0; o < nDim; o++) shift[o]! += err[trans ? o * c + kk : kk * c + o]! * mean[kk]!;
    }
    const bv = n.inputs[2];
    const bias = bv ? Float32Array.from(constOf(bv)!.toFloat32()) : new Float32Array(shift.length);
    if (bias.length !== shift.length) continue;
    let maxShift = 0;
    for (let o = 0; o < shift.length; o++) {
      bias[o] = bias[o]! - shift[o]!;
      maxShift = Math.max(maxShift, Math.abs(shift[o]!));
    }
    const t = tensorFromValues('float32', [shift.length], bias);
    if (bv && bv.uses().length === 1) g.setConst(bv, t);
    else g.setInput(n, 2, g.addInitializer(g.uniqueName(`${n.label()}_bias`), t));
    out.push({ node: n.label(), maxShift });
  }
  return out;
}

/** Per-channel (axis 1) means of an NC... activation, accumulated over batches. */
export class ChannelMeans {
  private sum: Float64Array | undefined;
  private count = 0;
  add(data: ArrayLike<number>, shape: readonly number[]): void {
    const c = shape[1] ?? 1;
    const inner = shape.slice(2).reduce((a, b) => a * b, 1);
    const outer = shape[0] ?? 1;
    this.sum ??= new Float64Array(c);
    if (this.sum.length !== c) return;
    for (let o = 0; o < outer; o++)
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        const base = (o * c + ch) * inner;
        for (let i = 0; i < inner; i++) {
          const v = data[base + i]!;
          if (v - v === 0) s += v;
        }
        this.sum[ch]! += s;
      }
    this.count += outer * inner;
  }
  means(): Float64Array | undefined {
    if (!this.sum || this.count === 0) return undefined;
    return this.sum.map((s) => s / this.count);
  }
}
