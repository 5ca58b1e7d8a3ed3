// Dead-code elimination: nodes whose outputs nothing reads, and initializers nothing reads.
import type { Graph } from './graph.js';
import { walkGraphs, type Model } from './model.js';
import type { Value } from './value.js';

export interface EliminateDeadCodeOptions {
  /** Also remove initializers that nothing reads (default true). */
  initializers?: boolean;
}

export interface EliminateDeadCodeStats {
  removedNodes: number;
  removedInitializers: number;
}

/** Removes the initializers among `candidates` (default: all of `g`'s) that nothing reads any more. */
export function dropUnusedInitializers(g: Graph, candidates?: Iterable<Value | null | undefined>): number {
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

function removeDeadNodes(g: Graph): number {
  let removed = 0;
  // Reverse topological order: a node's readers are visited (and maybe removed) before it.
  for (const node of [...g.topologicalOrder()].reverse()) {
    const live = node.outputs.some((o) => o && (o.uses().length > 0 || o.isGraphOutput()));
    if (!live) {
      g.remove(node);
      removed++;
    }
  }
  return removed;
}

export function eliminateDeadCode(model: Model, options: EliminateDeadCodeOptions = {}): EliminateDeadCodeStats {
  let removedNodes = 0;
  let removedInitializers = 0;
  // Subgraphs first (deepest last in the walk), so outer values they stop reading become dead too.
  const graphs = [...walkGraphs(model.graph)].reverse();
  for (const g of graphs) removedNodes += removeDeadNodes(g);
  if (options.initializers ?? true) for (const g of graphs) removedInitializers += dropUnusedInitializers(g);
  return { removedNodes, removedInitializers };
}
