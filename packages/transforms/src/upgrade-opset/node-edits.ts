// Small node edits the opset adapters share: attributes becoming constant inputs, refusals.
import {
  type Attr,
  type DataType,
  type Graph,
  type Node,
  type Tensor,
  tensorFromValues,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';

/** Refuses an upgrade that would change what `node` computes. */
export function refuse(node: Node, version: number, reason: string): never {
  throw new UnsupportedError(`cannot raise ${node.opType} to opset ${version}: ${reason}`, {
    code: 'transforms/opset-upgrade',
    node: node.label(),
    field: 'opset_import',
  });
}

/** Adds `t` as an initializer beside `node` and points input `index` at it. */
export function setConstInput(node: Node, index: number, t: Tensor, suffix: string): Value {
  const g: Graph = node.graph;
  const v = g.addInitializer(g.uniqueName(`${node.name || node.opType}_${suffix}`), t);
  g.setInput(node, index, v);
  return v;
}

/** The raw integers of an ints attribute (bigints kept, so INT64_MAX survives). */
export function intsOf(a: Attr | undefined): (number | bigint)[] | undefined {
  return a?.type === 'ints' ? a.value : undefined;
}

/**
 * Moves the ints attribute `name` into input `index` as an int64 vector (nothing when absent). Inputs
 * before `index` that do not exist yet become empty optional inputs.
 */
export function intsAttrToInput(node: Node, name: string, index: number): boolean {
  const values = intsOf(node.attr(name));
  if (!values) return false;
  setConstInput(node, index, tensorFromValues('int64', [values.length], values), name);
  node.setAttr(name, undefined);
  return true;
}

/** Element type of `v` for constants that must match it (Clip bounds, Pad value). */
export function elementTypeOf(v: Value | null): DataType {
  return v?.dtype ?? 'float32';
}

/** Moves a float attribute into input `index` as a scalar of `dtype`. */
export function floatAttrToInput(node: Node, name: string, index: number, dtype: DataType): boolean {
  const value = node.getFloat(name);
  if (value === undefined) return false;
  setConstInput(node, index, tensorFromValues(dtype, [], [value]), name);
  node.setAttr(name, undefined);
  return true;
}

/** Rank of `v` when its shape or constant value tells it. */
export function rankOf(v: Value | null): number | undefined {
  return v?.const?.shape.length ?? v?.shape?.length;
}

/** The constant behind `v`: an initializer that is not a graph input, or a Constant node's value. */
export function constantValue(v: Value | null): Tensor | undefined {
  if (!v) return undefined;
  if (v.isInitializer()) return v.isGraphInput() ? undefined : v.const;
  const p = v.producer();
  return p?.opType === 'Constant' && (p.domain === '' || p.domain === 'ai.onnx') ? p.getTensor('value') : undefined;
}
