// TFLite and TF.js hold dims and shape vectors as int32: a larger dim would be truncated (2^32+4
// becomes 4) and the written model would silently compute something else. Exporters refuse it.
import type { Model } from '@enxuto/ir';

export const INT32_MAX = 2 ** 31 - 1;

export interface Int32Overflow {
  value: string;
  field: string;
  dim: number;
}

/** The first static dim of a main-graph value (its type, or its constant's shape) beyond int32. */
export function findInt32Overflow(model: Model): Int32Overflow | undefined {
  for (const v of model.graph.values()) {
    const dims = v.const !== undefined ? v.const.shape : (v.shape ?? []);
    const i = dims.findIndex((d) => typeof d === 'number' && d > INT32_MAX);
    if (i >= 0) return { value: v.name, field: `shape[${i}]`, dim: dims[i] as number };
  }
  return undefined;
}

/** `values` as int32, or the index of the first one that does not fit. */
export function int32Overflow(values: readonly number[]): number {
  return values.findIndex((x) => !Number.isInteger(x) || x > INT32_MAX || x < -INT32_MAX - 1);
}
