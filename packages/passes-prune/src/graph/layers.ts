// The weights unstructured pruning works on: Conv filters, Gemm/MatMul matrices held in float32
// initializers (directly, or behind a Reshape of a constant as in older ONNX exports).
import type { Graph, Node, Value } from '@enxuto/ir';

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

function constShape(v: Value | null): number[] | undefined {
  const shape = v?.shape;
  return shape?.every((d): d is number => typeof d === 'number') ? shape : undefined;
}

/** The float32 initializer behind a weight input, following one Reshape of a constant. */
function weightSource(g: Graph, v: Value | null): Value | undefined {
  if (!v) return undefined;
  if (v.isInitializer()) return v.const!.dtype === 'float32' && v.graph === g ? v : undefined;
  const p = v.producer();
  if (p && p.opType === 'Reshape' && p.domain === '' && p.input(0)?.isInitializer() && p.input(1)?.isInitializer()) {
    const src = p.input(0)!;
    return src.const!.dtype === 'float32' && src.graph === g ? src : undefined;
  }
  return undefined;
}

/** Prunable layers of the main graph in topological order (each weight once). */
export function findPrunableLayers(g: Graph, ops: readonly PrunableOp[] = PRUNABLE_OPS): PrunableLayer[] {
  const out: PrunableLayer[] = [];
  const seen = new Set<Value>();
  for (const node of g) {
    if (node.domain !== '' || !ops.includes(node.opType as PrunableOp)) continue;
    const op = node.opType as PrunableOp;
    const w = node.input(1);
    const src = weightSource(g, w);
    if (!src || seen.has(src)) continue;
    const shape = constShape(w) ?? [...src.const!.shape];
    if (shape.reduce((a, b) => a * b, 1) !== src.const!.size) continue;
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
