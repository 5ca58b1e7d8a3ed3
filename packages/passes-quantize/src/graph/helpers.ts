// Small graph helpers shared by the quantization rewrites.
import { tensorFromValues, type Graph, type Node, type Tensor, type Value } from '@enxuto/ir';
import type { QuantType } from '../kernels/params.js';

/** The constant tensor behind a value: an initializer (not overridable by a graph input). */
export function constOf(v: Value | null | undefined): Tensor | undefined {
  if (!v?.isInitializer() || v.isGraphInput()) return undefined;
  return v.const;
}

/** Adds an initializer with a fresh name derived from `base`. */
export function addConst(g: Graph, base: string, t: Tensor): Value {
  return g.addInitializer(g.uniqueName(base), t);
}

/** Removes an initializer nobody reads any more. */
export function dropIfUnused(g: Graph, v: Value | null | undefined): void {
  if (
    v &&
    v.graph === g &&
    !v.isDetached() &&
    v.isInitializer() &&
    v.uses().length === 0 &&
    !v.isGraphOutput() &&
    !v.isGraphInput()
  ) {
    g.removeValue(v);
  }
}

/** The single node reading `v`, when there is exactly one reader and `v` is not a graph output. */
export function soleConsumer(v: Value): Node | undefined {
  const uses = v.uses();
  if (uses.length !== 1 || v.isGraphOutput()) return undefined;
  return uses[0]!.node;
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
