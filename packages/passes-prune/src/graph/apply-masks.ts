// Writes masks into the weights and measures what the model holds afterwards.
import { float32Tensor, type Graph } from '@enxuto/ir';
import { applyMask, countNonZero } from '../kernels/masks.js';
import type { PrunableLayer } from './layers.js';

export interface LayerSparsity {
  name: string;
  weight: string;
  op: string;
  shape: number[];
  /** Weights in the dense layer. */
  count: number;
  nonZero: number;
  sparsity: number;
}

export function applyLayerMask(g: Graph, layer: PrunableLayer, mask: ArrayLike<number>): void {
  const t = layer.weight.const!;
  g.setConst(layer.weight, float32Tensor([...t.shape], applyMask(t.toFloat32(), mask)));
}

export function layerSparsity(layer: PrunableLayer): LayerSparsity {
  const values = layer.weight.const!.toFloat32();
  const nonZero = countNonZero(values);
  return {
    name: layer.name,
    weight: layer.weight.name,
    op: layer.op,
    shape: layer.shape,
    count: values.length,
    nonZero,
    sparsity: values.length === 0 ? 0 : 1 - nonZero / values.length,
  };
}

export interface SparsityTotals {
  count: number;
  nonZero: number;
  sparsity: number;
  /** Dense weights / non-zero weights. */
  compression: number;
}

export function sparsityTotals(layers: readonly LayerSparsity[]): SparsityTotals {
  const count = layers.reduce((s, l) => s + l.count, 0);
  const nonZero = layers.reduce((s, l) => s + l.nonZero, 0);
  return {
    count,
    nonZero,
    sparsity: count === 0 ? 0 : 1 - nonZero / count,
    compression: nonZero === 0 ? Infinity : count / nonZero,
  };
}
