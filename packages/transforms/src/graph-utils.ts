// Small graph-surgery helpers shared by the graph passes.
import { float32Tensor, type Graph, type Node, type Tensor, type Value } from '@enxuto/ir';

/** The constant tensor behind a value (an initializer), or undefined. */
export function constOf(v: Value | null | undefined): Tensor | undefined {
  return v?.isInitializer() ? v.const : undefined;
}

/** True when the only reader of `v` is `node` and `v` is not a graph output. */
export function onlyUsedBy(v: Value, node: Node): boolean {
  return !v.isGraphOutput() && v.uses().every((u) => u.node === node);
}

/**
 * Gives `node` input `index` = a float32 constant with `values`: rewritten in place when only this
 * node reads the old initializer, else a new initializer beside it.
 */
export function setConstInput(
  g: Graph,
  node: Node,
  index: number,
  shape: number[],
  values: Float32Array,
  baseName: string,
): void {
  const old = node.input(index);
  const tensor = float32Tensor(shape, values);
  if (old?.isInitializer() && old.graph === g && onlyUsedBy(old, node) && !old.isGraphInput()) {
    g.setConst(old, tensor);
    return;
  }
  const v = g.addInitializer(g.uniqueName(baseName), tensor);
  g.setInput(node, index, v);
}

/**
 * Replaces `removed`'s first output by `replacement` everywhere and removes the node. When that
 * output was a graph output, `replacement` takes its name so the model's interface stays the same
 * (callers check that `replacement` is a node output of `g` and not already a graph output).
 */
export function bypassNode(g: Graph, removed: Node, replacement: Value): void {
  const old = removed.output(0);
  const name = old.name;
  const type = old.type;
  const wasOutput = old.isGraphOutput();
  g.replaceAllUsesWith(old, replacement);
  g.remove(removed);
  if (wasOutput && replacement.graph === g && replacement.producer() !== null) {
    g.rename(replacement, name);
    if (type) replacement.type = type;
  }
}

/** Removes the initializers among `candidates` (default: all of `g`'s) that nothing reads any more. */
export function dropUnusedInitializers(g: Graph, candidates?: Iterable<Value | null>): number {
  let n = 0;
  const list = candidates ? [...new Set(candidates)] : g.initializers();
  for (const v of list) {
    if (!v || v.graph !== g || !v.isInitializer() || v.isDetached()) continue;
    if (v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput()) {
      g.removeValue(v);
      n++;
    }
  }
  return n;
}
