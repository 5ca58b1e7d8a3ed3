// Weight-only quantization: weights stored as integers, compute stays in float.
//  - int8: per-channel DequantizeLinear in front of each Conv/MatMul/Gemm weight (4x smaller file).
//  - 2..7 bits: MatMul/Gemm with a constant 2-D weight becomes com.microsoft MatMulNBits
//    (block-wise, round to nearest with a clip search, run by onnxruntime's n-bit kernels).
//  - int4 'dequantize': any Conv/MatMul/Gemm weight as int4 behind a block-wise DequantizeLinear.
//  - embeddings (Gather from a constant table): com.microsoft GatherBlockQuantized, 4 or 8 bits.
import { attr, constOf, dropUnusedInitializers, tensorFromValues, type Model } from '@enxuto/ir';
import { DEFAULT_GRID, quantizeGroupwise, type GroupQuantized } from '../kernels/nbits-grid.js';
import { rewriteAsNBits } from './nbits-nodes.js';
import { findWeightNodes, weightMatrix } from './weight-nodes.js';
import { blockwiseParams } from '../kernels/blockwise.js';
import { finiteMse } from '../kernels/mse.js';
import { quantizeBlockwise } from '../kernels/quantize.js';
import { axisLayout } from '../kernels/range.js';
import { addConst, inMemory, type TensorStore } from './helpers.js';
import { addDequantizedWeight, quantizeWeightTensor } from './weights.js';

export interface WeightOnlyOptions {
  /** 8: int8 DequantizeLinear; 2..7: MatMulNBits (3, 5..7 in the next width onnxruntime runs). */
  bits: number;
  blockSize: number;
  symmetric: boolean;
  perChannel: boolean;
  /** Weights smaller than this many elements stay in float (their scales would cost more than they save). */
  minElements: number;
  exclude: readonly string[];
  /** 0: float compute; 4: let onnxruntime quantize activations to int8 for the 4-bit kernel (faster, less exact). */
  accuracyLevel: number;
  /**
   * 4-bit form: 'matmulnbits' (MatMul only, onnxruntime's 4-bit kernel) or 'dequantize' (any
   * Conv/MatMul/Gemm weight as int4 behind a block-wise DequantizeLinear, opset 21: storage only).
   */
  int4Format: 'matmulnbits' | 'dequantize';
  /** Smallest range shrink factor the n-bit clip search tries (1: plain min/max). */
  minClip: number;
  /** Embedding tables (Gather) as GatherBlockQuantized, 4-bit below 8 bits, else 8-bit. */
  embeddings: boolean;
}

export interface WeightOnlyReport {
  layers: { node: string; opType: string; bits: number; weightMse: number }[];
}

export function quantizeWeightsOnly(
  model: Model,
  options: Partial<WeightOnlyOptions> = {},
  store: TensorStore = inMemory,
): WeightOnlyReport {
  const o: WeightOnlyOptions = {
    bits: 8,
    blockSize: 32,
    symmetric: true,
    perChannel: true,
    minElements: 16,
    exclude: [],
    accuracyLevel: 0,
    int4Format: 'matmulnbits',
    minClip: DEFAULT_GRID.minClip,
    embeddings: true,
    ...options,
  };
  const g = model.graph;
  const excluded = new Set(o.exclude);
  const report: WeightOnlyReport = { layers: [] };
  for (const n of [...g]) {
    if (n.domain !== '' || excluded.has(n.name)) continue;
    if (n.opType !== 'Conv' && n.opType !== 'MatMul' && n.opType !== 'Gemm') continue;
    const wv = n.inputs[1];
    const w = constOf(wv);
    if (!wv || !w || w.dtype !== 'float32' || w.size < o.minElements) continue;
    const label = n.name || n.outputs[0]!.name;
    if (o.bits === 4 && o.int4Format === 'dequantize') {
      const axis = blockAxis(n.opType, n.getInt('transB', 0) === 1, w.shape.length);
      if (axis === undefined) continue;
      const type = o.symmetric ? 'int4' : 'uint4';
      const data = w.toFloat32();
      const p = blockwiseParams(data, w.shape, axis, o.blockSize, { type, symmetric: o.symmetric });
      const q = quantizeBlockwise(data, w.shape, axis, o.blockSize, p.scale, p.zeroPoint, type);
      const sshape = w.shape.map((d, i) => (i === axis ? p.blocks : d));
      const qv = addConst(g, `${wv.name}_int4`, store(tensorFromValues(type, w.shape, q)));
      const sv = addConst(g, `${wv.name}_scale`, store(tensorFromValues('float32', sshape, p.scale)));
      const zv = addConst(g, `${wv.name}_zero_point`, store(tensorFromValues(type, sshape, p.zeroPoint)));
      const dq = g.insertBefore(n, {
        opType: 'DequantizeLinear',
        name: g.uniqueName(`${label}_weight_DequantizeLinear`),
        inputs: [qv, sv, zv],
        outputs: [g.uniqueName(`${wv.name}_dequantized`)],
        attributes: { axis: attr.int(axis), block_size: attr.int(o.blockSize) },
      });
      g.setInput(n, 1, dq.outputs[0]!);
      dropUnusedInitializers(g, [wv]);
      const back = dequantizeBlockwise(q, w.shape, axis, o.blockSize, p.scale, p.zeroPoint);
      report.layers.push({ node: label, opType: n.opType, bits: 4, weightMse: finiteMse(data, back) });
      continue;
    }
    if (o.bits < 8) continue; // MatMul/Gemm weights in n bits: below
    let axis: number | undefined;
    if (o.perChannel)
      axis = n.opType === 'Conv' ? 0 : n.opType === 'Gemm' && n.getInt('transB', 0) ? 0 : w.shape.length - 1;
    const qw = quantizeWeightTensor(w, { type: 'int8', symmetric: o.symmetric, axis });
    g.setInput(n, 1, addDequantizedWeight(g, wv.name, qw, 'int8', store));
    dropUnusedInitializers(g, [wv]);
    report.layers.push({ node: label, opType: n.opType, bits: 8, weightMse: qw.mse });
  }
  const nbits = o.bits < 8 && o.int4Format !== 'dequantize';
  const targets = findWeightNodes(model, { exclude: o.exclude, minElements: o.minElements, embeddings: o.embeddings });
  for (const wn of targets) {
    if (wn.kind === 'matmul' && !nbits) continue;
    const bits = wn.kind === 'gather' ? embeddingBits(o.bits) : o.bits;
    const blockSize = wn.kind === 'gather' ? embeddingBlock(wn.k, o.blockSize) : o.blockSize;
    if (blockSize === undefined) continue;
    const spec = { bits, symmetric: o.symmetric, groupSize: blockSize, minClip: o.minClip };
    // A [N, K] weight (embeddings, Gemm transB) is quantized as stored, without a transpose.
    const q = wn.transposed
      ? quantizeGroupwise(wn.weight.const!.toFloat32(), wn.k, wn.n, spec, 'nk')
      : quantizeGroupwise(weightMatrix(wn), wn.k, wn.n, spec);
    const label = wn.node.name || wn.node.outputs[0]!.name;
    report.layers.push({ node: label, opType: wn.node.opType, bits, weightMse: q.mse });
    rewriteAsNBits(model, wn, q, { bits, blockSize, symmetric: o.symmetric, accuracyLevel: o.accuracyLevel }, store);
  }
  return report;
}

/** Axis the 4-bit blocks run along: the reduction (input) dimension of the weight. */
function blockAxis(opType: string, transB: boolean, rank: number): number | undefined {
  if (opType === 'Conv') return rank >= 3 ? 1 : undefined;
  if (rank !== 2) return undefined;
  return opType === 'Gemm' && transB ? 1 : 0;
}

function dequantizeBlockwise(
  q: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  blockSize: number,
  scale: Float32Array,
  zp: Int32Array,
): Float32Array {
  const { outer, channels, inner } = axisLayout(shape, axis);
  const blocks = Math.ceil(channels / blockSize);
  const out = new Float32Array(q.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const b = (o * blocks + ((c / blockSize) | 0)) * inner;
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = (q[base + i]! - zp[b + i]!) * scale[b + i]!;
    }
  }
  return out;
}

/** GatherBlockQuantized runs 4 and 8 bits. */
export function embeddingBits(bits: number): number {
  return bits <= 4 ? 4 : 8;
}

/** Block size for a table of width `k`: the requested one, halved until it divides k (>= 16). */
export function embeddingBlock(k: number, blockSize: number): number | undefined {
  for (let b = blockSize; b >= 16; b /= 2) if (k % b === 0) return b;
  return undefined;
}

/** Mean squared weight error of a group-quantized [K, N] matrix. */
export function groupMse(w: Float32Array, q: GroupQuantized, k: number, n: number, groupSize: number): number {
  let e = 0;
  // One group of rows at a time: its rows of w stay in cache while the codes run along each column.
  for (let g = 0; g < q.groups; g++) {
    const r0 = g * groupSize;
    const r1 = Math.min(k, r0 + groupSize);
    for (let c = 0; c < n; c++) {
      const s = q.scales[c * q.groups + g]!;
      const z = q.zeros[c * q.groups + g]!;
      const codes = c * k;
      for (let r = r0; r < r1; r++) {
        const d = w[r * n + c]! - (q.codes[codes + r]! - z) * s;
        e += d * d;
      }
    }
  }
  return w.length ? e / w.length : 0;
}
