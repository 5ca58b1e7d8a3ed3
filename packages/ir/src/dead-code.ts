// Dead-code elimination: nodes whose outputs nothing reads, and initializers nothing reads.
import { walkGraphs, type Graph, type Model } from '@enxuto/ir';
import { dropUnusedInitializers } from './graph-utils.js';

export interface EliminateDeadCodeOptions {
  /** Also remove initializers that nothing reads (default true). */
  initializers?: boolean;
}

export interface EliminateDeadCodeStats {
  removedNodes: number;
  removedInitializers: number;
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
