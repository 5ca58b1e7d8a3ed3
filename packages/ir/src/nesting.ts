// Nesting of subgraphs (If/Loop/Scan bodies): whether a graph or a node lies inside another.
import type { Graph } from './graph.js';
import type { Node } from './node.js';

/** True when `inner` is `outer` or nested inside it. */
export function isOwnedWithin(inner: Graph, outer: Graph): boolean {
  for (let g: Graph | undefined = inner; g; g = g.parentGraph) if (g === outer) return true;
  return false;
}

/** True when `node` lies in a subgraph of one of `set`'s nodes, at any depth. */
export function isInside(node: Node, set: Set<Node>): boolean {
  for (let g: Graph | undefined = node.graph; g; g = g.parentGraph) {
    if (g.parentNode && set.has(g.parentNode)) return true;
  }
  return false;
}
