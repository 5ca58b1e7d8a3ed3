// Small graph-surgery helpers shared by the rewrites (constOf, dead code... live in @enxuto/ir).
import { float32Tensor, onlyUsedBy, type Graph, type Node, type Value } from '@enxuto/ir';

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
