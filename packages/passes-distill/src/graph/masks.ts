// Masks that keep pruned weights pruned: every weight of a Gemm / MatMul / Conv that is exactly
// zero now stays zero while training.
import type { Model } from '@enxuto/ir';

const WEIGHT_OPS = new Set(['Gemm', 'MatMul', 'Conv', 'ConvTranspose']);

/** 0/1 masks by initializer name, for weights that hold at least one zero. */
export function zeroMasks(model: Model): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const node of model.graph.topologicalOrder()) {
    if (!WEIGHT_OPS.has(node.opType)) continue;
    const w = node.input(1);
    if (!w?.isInitializer() || w.const!.dtype !== 'float32' || out.has(w.name)) continue;
    const values = w.const!.values() as Float32Array;
    if (!values.includes(0)) continue;
    out.set(
      w.name,
      Uint8Array.from(values, (x) => (x !== 0 ? 1 : 0)),
    );
  }
  return out;
}
