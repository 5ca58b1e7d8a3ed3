// Small graph helpers shared by the quantization rewrites.
// (constOf, soleConsumer and dropUnusedInitializers are @enxuto/ir's.)
import { tensorFromValues, type Graph, type Tensor, type Value } from '@enxuto/ir';
import type { QuantType } from '../kernels/params.js';

/** Adds an initializer with a fresh name derived from `base`. */
export function addConst(g: Graph, base: string, t: Tensor): Value {
  return g.addInitializer(g.uniqueName(base), t);
}

/** Scale and zero-point initializers (scalars for per-tensor, 1-D for per-axis/blocks). */
export function addQuantParams(
  g: Graph,
  base: string,
  scale: Float32Array,
  zeroPoint: Int32Array,
  type: QuantType | 'int32',
  shape?: readonly number[],
): { scale: Value; zeroPoint: Value } {
  const dims = shape ?? (scale.length === 1 ? [] : [scale.length]);
  return {
    scale: addConst(g, `${base}_scale`, tensorFromValues('float32', dims, scale)),
    zeroPoint: addConst(g, `${base}_zero_point`, tensorFromValues(type, dims, zeroPoint)),
  };
}

export function isFloatValue(v: Value | null | undefined): boolean {
  return v?.dtype === 'float32';
}
