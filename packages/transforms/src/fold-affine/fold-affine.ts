// Affine folding: per-channel BatchNormalization, Mul/Div by and Add/Sub of constants that follow a
// Conv, ConvTranspose, Gemm or MatMul with a constant weight become part of that weight and bias,
// chains included (Conv -> Mul -> Add, the BatchNormalization TF.js and TFLite imports lower). What
// onnxruntime's graph optimizer does before its quantizer runs, so the quantizer sees the same graph.
import {
  attr,
  constOf,
  dropUnusedInitializers,
  walkGraphs,
  type Graph,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';
import { bypassNode, setConstInput } from '../graph-utils.js';
import { scaleAlongAxis } from '../kernels/batchnorm.js';
import { type Affine, affineOf } from './affine-ops.js';
import { type Layer, layerOf } from './layers.js';

export interface FoldAffineOptions {
  /** Affine ops to fold (default all: BatchNormalization, Mul, Div, Add, Sub). */
  ops?: readonly string[];
  /** Layers to fold into (default Conv, ConvTranspose, Gemm, MatMul). */
  layers?: readonly string[];
}

export interface FoldAffineStats {
  /** Folded ops by type. */
  folded: Record<string, number>;
  /** MatMuls that became Gemm to take a bias. */
  gemmsFormed: number;
  removedInitializers: number;
}

/** The bias the layer adds per channel today (zeros when it has none), or undefined when not per channel. */
function currentBias(layer: Layer): Float64Array | undefined {
  const out = new Float64Array(layer.channels);
  if (layer.biasInput === undefined) return out;
  const v = layer.node.input(layer.biasInput);
  if (!v) return out;
  const b = constOf(v);
  if (b?.dtype !== 'float32' || v.isGraphInput()) return undefined;
  const beta = layer.node.opType === 'Gemm' ? layer.node.getFloat('beta', 1) : 1;
  // Gemm's C broadcasts: a scalar, [N] or [1, N] is per channel; [M, N] is not.
  if (!(b.size === 1 || (b.size === layer.channels && b.shape.slice(0, -1).every((d) => d === 1)))) return undefined;
  const vals = b.toFloat32();
  for (let c = 0; c < out.length; c++) out[c] = beta * vals[b.size === 1 ? 0 : c]!;
  return out;
}

/** MatMul(A[., K], W[K, N]) with a 2-D A becomes Gemm(A, W): the same product, with room for a bias. */
function asGemm(g: Graph, layer: Layer): Layer | undefined {
  const mm = layer.node;
  if (layer.outputRank !== 2 || mm.input(0)?.shape?.length !== 2) return undefined;
  const y = mm.output(0);
  const gemm = g.insertBefore(mm, {
    opType: 'Gemm',
    name: mm.name,
    inputs: [mm.input(0), mm.input(1)],
    outputs: [g.uniqueName(`${y.name}_gemm`)],
  });
  g.replaceAllUsesWith(y, gemm.output(0));
  const name = y.name;
  const type = y.type;
  g.remove(mm);
  g.rename(gemm.output(0), name);
  if (type) gemm.output(0).type = type;
  return layerOf(gemm);
}

function apply(g: Graph, layer: Layer, a: Affine, touched: (Value | null)[]): Layer | undefined {
  if (a.shift && layer.biasInput === undefined) {
    const gemm = asGemm(g, layer);
    if (!gemm) return undefined;
    layer = gemm;
  }
  const bias = currentBias(layer);
  if (!bias) return undefined;
  const node = layer.node;
  touched.push(node.input(1), layer.biasInput !== undefined ? node.input(layer.biasInput) : null);
  if (a.scale) {
    const w = scaleAlongAxis(layer.weight.toFloat32(), a.scale, layer.outer, layer.inner);
    setConstInput(g, node, 1, [...layer.weight.shape], w, `${node.input(1)!.name}_folded`);
    for (let c = 0; c < bias.length; c++) bias[c]! *= a.scale[c]!;
  }
  if (a.shift) for (let c = 0; c < bias.length; c++) bias[c]! += a.shift[c]!;
  const hadBias = layer.biasInput !== undefined && node.input(layer.biasInput) !== null;
  if (layer.biasInput !== undefined && (hadBias || a.shift)) {
    setConstInput(g, node, layer.biasInput, [bias.length], Float32Array.from(bias), `${node.name || node.opType}_bias`);
    if (node.opType === 'Gemm') node.setAttr('beta', attr.float(1));
  }
  return layerOf(node);
}

function foldAt(g: Graph, start: Node, ops: Set<string>, stats: FoldAffineStats, touched: (Value | null)[]): void {
  let layer = layerOf(start);
  while (layer) {
    const y = layer.node.output(0);
    const uses = y.uses();
    if (y.isGraphOutput() || uses.length !== 1) return;
    const op = uses[0]!.node;
    if (op.graph !== g || !ops.has(op.opType)) return;
    const a = affineOf(op, y, layer);
    if (!a) return;
    const wasMatMul = layer.node.opType === 'MatMul';
    const next = apply(g, layer, a, touched);
    if (!next) return;
    if (wasMatMul && next.node.opType === 'Gemm') stats.gemmsFormed++;
    touched.push(...op.inputs);
    bypassNode(g, op, next.node.output(0));
    stats.folded[op.opType] = (stats.folded[op.opType] ?? 0) + 1;
    layer = next;
  }
}

/** Folds per-channel affine ops into the layers before them, in every graph of `model`, in place. */
export function foldAffine(model: Model, options: FoldAffineOptions = {}): FoldAffineStats {
  const ops = new Set(options.ops ?? ['BatchNormalization', 'Mul', 'Div', 'Add', 'Sub']);
  const layers = new Set(options.layers ?? ['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
  const stats: FoldAffineStats = { folded: {}, gemmsFormed: 0, removedInitializers: 0 };
  for (const g of walkGraphs(model.graph)) {
    const touched: (Value | null)[] = [];
    for (const node of [...g.topologicalOrder()]) {
      if (!node.isRemoved() && layers.has(node.opType)) foldAt(g, node, ops, stats, touched);
    }
    stats.removedInitializers += dropUnusedInitializers(g, touched);
  }
  return stats;
}
