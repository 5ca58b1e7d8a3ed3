// Questions passes ask of a value: is it a constant, and who reads it.
import type { Node } from './node.js';
import type { Tensor } from './tensor.js';
import type { Value } from './value.js';

/**
 * The constant tensor behind a value (an initializer), or undefined. Old (IR < 4) ONNX models also
 * list initializers as graph inputs; they count as constants here, as onnxruntime treats them.
 */
export function constOf(v: Value | null | undefined): Tensor | undefined {
  return v?.isInitializer() ? v.const : undefined;
}

/** The nodes reading `v`, each once, in the order of their first use. */
export function consumers(v: Value): Node[] {
  return [...new Set(v.uses().map((u) => u.node))];
}

/** The single node reading `v`, when there is exactly one read and `v` is not a graph output. */
export function soleConsumer(v: Value): Node | undefined {
  const uses = v.uses();
  if (uses.length !== 1 || v.isGraphOutput()) return undefined;
  return uses[0]!.node;
}

/** True when the only reader of `v` is `node` and `v` is not a graph output. */
export function onlyUsedBy(v: Value, node: Node): boolean {
  return !v.isGraphOutput() && v.uses().every((u) => u.node === node);
}
