// Masks that keep pruned weights pruned: every weight of a Gemm / MatMul / Conv that is exactly
// zero now stays zero while training.
import type { Model } from '@enxuto/ir';
import { findWeights } from '@enxuto/pass';

/** 0/1 masks by initializer name, for weights (read directly) that hold at least one zero. */
export function zeroMasks(model: Model): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const { source } of findWeights(model.graph, { views: [] })) {
    if (out.has(source.name)) continue;
    const values = source.const!.values() as Float32Array;
    if (!values.includes(0)) continue;
    out.set(
      source.name,
      Uint8Array.from(values, (x) => (x !== 0 ? 1 : 0)),
    );
  }
  return out;
}
