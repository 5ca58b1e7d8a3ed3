// Weight-only quantization: weights stored as integers, compute stays in float.
//  - int8: per-channel DequantizeLinear in front of each Conv/MatMul/Gemm weight (4x smaller file).
//  - int4: MatMul with a constant [K, N] weight becomes com.microsoft MatMulNBits (block-wise,
//    run by onnxruntime's 4-bit kernels); other weights stay as they are.
import { attr, tensorFromValues, type Model } from '@enxuto/ir';
import { packMatMulNBits } from '../kernels/nbits.js';
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
}

export interface WeightOnlyReport {
  layers: { node: string; opType: string; bits: number; weightMse: number }[];
}

export function quantizeWeightsOnly(model: Model, options: Partial<WeightOnlyOptions> = {}): WeightOnlyReport {
  const o: WeightOnlyOptions = { bits: 8, blockSize: 32, symmetric: true, perChannel: true, minElements: 16, exclude: [], accuracyLevel: 0, ...options };
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
    if (o.bits === 4) {
      if (n.opType !== 'MatMul' || w.shape.length !== 2) continue;
      const [k, cols] = w.shape as [number, number];
      const p = packMatMulNBits(w.toFloat32(), k, cols, o.blockSize, o.symmetric);
      const b = addConst(g, `${wv.name}_nbits`, tensorFromValues('uint8', [cols, p.blocks, o.blockSize / 2], p.packed));
      const s = addConst(g, `${wv.name}_scales`, tensorFromValues('float32', [cols * p.blocks], p.scales));
      const inputs = [n.inputs[0]!, b, s];
      if (p.zeroPoints) inputs.push(addConst(g, `${wv.name}_zero_points`, tensorFromValues('uint8', [p.zeroPoints.length], p.zeroPoints)));
      const y = n.outputs[0]!;
      const mm = g.insertBefore(n, {
        opType: 'MatMulNBits', domain: 'com.microsoft', name: g.uniqueName(`${label}_nbits`), inputs,
        outputs: [g.uniqueName(`${y.name}_nbits`)],
        attributes: { K: attr.int(k), N: attr.int(cols), bits: attr.int(4), block_size: attr.int(o.blockSize), accuracy_level: attr.int(o.accuracyLevel) },
      });
      replaceKeepingName(g, n, y, mm.outputs[0]!);
      usesMs = true;
      report.layers.push({ node: label, opType: n.opType, bits: 4, weightMse: p.mse });
      continue;
    }
    let axis: number | undefined;
    if (o.perChannel) axis = n.opType === 'Conv' ? 0 : n.opType === 'Gemm' && n.getInt('transB', 0) ? 0 : w.shape.length - 1;
    const qw = quantizeWeightTensor(w, { type: 'int8', symmetric: o.symmetric, axis });
    g.setInput(n, 1, addDequantizedWeight(g, wv.name, qw, 'int8'));
    dropIfUnused(g, wv);
    report.layers.push({ node: label, opType: n.opType, bits: 8, weightMse: qw.mse });
  }
  if (usesMs && !model.opsetImports.has('com.microsoft')) model.opsetImports.set('com.microsoft', 1);
  return report;
}
