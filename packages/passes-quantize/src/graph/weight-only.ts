// Weight-only quantization: weights stored as integers, compute stays in float.
//  - int8: per-channel DequantizeLinear in front of each Conv/MatMul/Gemm weight (4x smaller file).
//  - int4: MatMul with a constant [K, N] weight becomes com.microsoft MatMulNBits (block-wise,
//    run by onnxruntime's 4-bit kernels); other weights stay as they are.
import { attr, tensorFromValues, type Model } from '@enxuto/ir';
import { packMatMulNBits } from '../kernels/nbits.js';
import { blockwiseParams } from '../kernels/blockwise.js';
import { quantizeBlockwise } from '../kernels/quantize.js';
import { axisLayout } from '../kernels/range.js';
import { addConst, constOf, dropIfUnused } from './helpers.js';
import { replaceKeepingName } from './dynamic.js';
import { addDequantizedWeight, quantizeWeightTensor } from './weights.js';

export interface WeightOnlyOptions {
  bits: 4 | 8;
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
}

export interface WeightOnlyReport {
  layers: { node: string; opType: string; bits: number; weightMse: number }[];
}

export function quantizeWeightsOnly(model: Model, options: Partial<WeightOnlyOptions> = {}): WeightOnlyReport {
  const o: WeightOnlyOptions = {
    bits: 8,
    blockSize: 32,
    symmetric: true,
    perChannel: true,
    minElements: 16,
    exclude: [],
    accuracyLevel: 0,
    int4Format: 'matmulnbits',
    ...options,
  };
  const g = model.graph;
  const excluded = new Set(o.exclude);
  const report: WeightOnlyReport = { layers: [] };
  let usesMs = false;
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
      const qv = addConst(g, `${wv.name}_int4`, tensorFromValues(type, w.shape, q));
      const sv = addConst(g, `${wv.name}_scale`, tensorFromValues('float32', sshape, p.scale));
      const zv = addConst(g, `${wv.name}_zero_point`, tensorFromValues(type, sshape, p.zeroPoint));
      const dq = g.insertBefore(n, {
        opType: 'DequantizeLinear',
        name: g.uniqueName(`${label}_weight_DequantizeLinear`),
        inputs: [qv, sv, zv],
        outputs: [g.uniqueName(`${wv.name}_dequantized`)],
        attributes: { axis: attr.int(axis), block_size: attr.int(o.blockSize) },
      });
      g.setInput(n, 1, dq.outputs[0]!);
      dropIfUnused(g, wv);
      const back = dequantizeBlockwise(q, w.shape, axis, o.blockSize, p.scale, p.zeroPoint);
      report.layers.push({ node: label, opType: n.opType, bits: 4, weightMse: mse(data, back) });
      continue;
    }
    if (o.bits === 4) {
      if (n.opType !== 'MatMul' || w.shape.length !== 2) continue;
      const [k, cols] = w.shape as [number, number];
      const p = packMatMulNBits(w.toFloat32(), k, cols, o.blockSize, o.symmetric);
      const b = addConst(g, `${wv.name}_nbits`, tensorFromValues('uint8', [cols, p.blocks, o.blockSize / 2], p.packed));
      const s = addConst(g, `${wv.name}_scales`, tensorFromValues('float32', [cols * p.blocks], p.scales));
      const inputs = [n.inputs[0]!, b, s];
      if (p.zeroPoints)
        inputs.push(
          addConst(g, `${wv.name}_zero_points`, tensorFromValues('uint8', [p.zeroPoints.length], p.zeroPoints)),
        );
      const y = n.outputs[0]!;
      const mm = g.insertBefore(n, {
        opType: 'MatMulNBits',
        domain: 'com.microsoft',
        name: g.uniqueName(`${label}_nbits`),
        inputs,
        outputs: [g.uniqueName(`${y.name}_nbits`)],
        attributes: {
          K: attr.int(k),
          N: attr.int(cols),
          bits: attr.int(4),
          block_size: attr.int(o.blockSize),
          accuracy_level: attr.int(o.accuracyLevel),
        },
      });
      replaceKeepingName(g, n, y, mm.outputs[0]!);
      usesMs = true;
      report.layers.push({ node: label, opType: n.opType, bits: 4, weightMse: p.mse });
      continue;
    }
    let axis: number | undefined;
    if (o.perChannel)
      axis = n.opType === 'Conv' ? 0 : n.opType === 'Gemm' && n.getInt('transB', 0) ? 0 : w.shape.length - 1;
    const qw = quantizeWeightTensor(w, { type: 'int8', symmetric: o.symmetric, axis });
    g.setInput(n, 1, addDequantizedWeight(g, wv.name, qw, 'int8'));
    dropIfUnused(g, wv);
    report.layers.push({ node: label, opType: n.opType, bits: 8, weightMse: qw.mse });
  }
  if (usesMs && !model.opsetImports.has('com.microsoft')) model.opsetImports.set('com.microsoft', 1);
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

function mse(a: Float32Array, b: Float32Array): number {
  let e = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d - d !== 0) continue;
    e += d * d;
    n++;
  }
  return n ? e / n : 0;
}
