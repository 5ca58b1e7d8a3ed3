// Small graph helpers shared by the quantization rewrites.
// (constOf, soleConsumer and dropUnusedInitializers are @enxuto/ir's.)
import { tensorFromValues, type Graph, type Tensor, type Value } from '@enxuto/ir';
import type { QuantType } from '../kernels/params.js';

/** Where new constants go: the default keeps them in memory; a streaming writer spills them to disk. */
export type TensorStore = (t: Tensor) => Tensor;
export const inMemory: TensorStore = (t) => t;

export interface StreamingHooks {
  /** Change `model` itself instead of a copy: a float weight is freed once it is quantized. */
  inPlace?: boolean;
  /** Where new weights go (e.g. a SpillFile of @enxuto/onnx/node): keeps memory to one layer. */
  store?: TensorStore;
}

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
  store: TensorStore = inMemory,
): { scale: Value; zeroPoint: Value } {
  const dims = shape ?? (scale.length === 1 ? [] : [scale.length]);
  return {
    scale: addConst(g, `${base}_scale`, store(tensorFromValues('float32', dims, scale))),
    zeroPoint: addConst(g, `${base}_zero_point`, store(tensorFromValues(type, dims, zeroPoint))),
  };
}

export function isFloatValue(v: Value | null | undefined): boolean {
  return v?.dtype === 'float32';
}
