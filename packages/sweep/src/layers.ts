// The layers a sensitivity sweep tries one at a time: Conv / ConvTranspose / Gemm / MatMul nodes
// whose weight (input 1) is a float constant, directly or behind a Reshape or Transpose of one (as
// older exporters write MatMul weights). Each weight counts once, at its first layer.
import type { Model, Node, Value } from '@enxuto/ir';

export interface WeightLayer {
  /** Node name ('' when the node has none). */
  node: string;
  /** The node's first output: what names an unnamed node (quantize-static's exclude takes it). */
  output: string;
  /** The initializer holding the weight (prune-magnitude's overrides take it). */
  weight: string;
  opType: string;
  parameters: number;
}

const OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

function floatConstant(v: Value | null): Value | undefined {
  if (!v) return undefined;
  if (v.isInitializer()) return v.const?.dtype === 'float32' || v.const?.dtype === 'float16' ? v : undefined;
  const p = v.producer();
  if (p && p.domain === '' && (p.opType === 'Reshape' || p.opType === 'Transpose')) return floatConstant(p.input(0));
  return undefined;
}

export function weightLayers(model: Model): WeightLayer[] {
  const out: WeightLayer[] = [];
  const seen = new Set<Value>();
  for (const node of model.graph as Iterable<Node>) {
    if (node.domain !== '' || !OPS.has(node.opType)) continue;
    const w = floatConstant(node.input(1));
    if (!w || seen.has(w)) continue;
    seen.add(w);
    out.push({
      node: node.name,
      output: node.outputs[0]?.name ?? '',
      weight: w.name,
      opType: node.opType,
      parameters: w.const!.size,
    });
  }
  return out;
}

/** The name a layer goes by in results: its node name, else its output. */
export const layerName = (l: WeightLayer): string => l.node || l.output;
