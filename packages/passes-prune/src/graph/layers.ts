// The weights unstructured pruning works on: Conv filters, Gemm/MatMul matrices held in float32
// initializers (directly, or behind a Reshape of a constant as in older ONNX exports), as
// @enxuto/pass's findWeights finds them.
import type { Graph, Node, Value } from '@enxuto/ir';
import { findWeights } from '@enxuto/pass';

export type PrunableOp = 'Conv' | 'Gemm' | 'MatMul';
export const PRUNABLE_OPS: readonly PrunableOp[] = ['Conv', 'Gemm', 'MatMul'];

export interface PrunableLayer {
  /** Node name (or the weight name when the node has none): what patterns match. */
  name: string;
  node: Node;
  op: PrunableOp;
  /** The initializer that holds the weight data. */
  weight: Value;
  /** The weight's shape as the op reads it. */
  shape: number[];
  /** Axis along which one output unit reads its inputs (N:M groups run along it). */
  inputAxis: number;
  /** Axis of the output units (filters / neurons). */
  outputAxis: number;
}

/** Prunable layers of the main graph in topological order (each weight once, the first reader). */
export function findPrunableLayers(g: Graph, ops: readonly PrunableOp[] = PRUNABLE_OPS): PrunableLayer[] {
  const out: PrunableLayer[] = [];
  const seen = new Set<Value>();
  // Masks are written into the source initializer in the layout the op reads, so only Reshape
  // views (same element order) are seen through.
  for (const ref of findWeights(g, { ops, views: ['Reshape'] })) {
    const { node, source: src, shape } = ref;
    const op = node.opType as PrunableOp;
    if (seen.has(src)) continue;
    let inputAxis: number;
    let outputAxis: number;
    if (op === 'Conv') {
      if (shape.length < 3) continue;
      [inputAxis, outputAxis] = [1, 0];
    } else if (op === 'Gemm') {
      if (shape.length !== 2) continue;
      [inputAxis, outputAxis] = node.getInt('transB', 0) ? [1, 0] : [0, 1];
    } else {
      if (shape.length !== 2) continue;
      [inputAxis, outputAxis] = [0, 1];
    }
    seen.add(src);
    out.push({ name: node.name || src.name, node, op, weight: src, shape, inputAxis, outputAxis });
  }
  return out;
}

/** Glob match ('*' any run of characters) against the layer name or its weight name. */
export function matchesPattern(layer: PrunableLayer, pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(layer.name) || re.test(layer.weight.name);
}
