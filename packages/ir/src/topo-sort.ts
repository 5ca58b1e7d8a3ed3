// Topological order of a graph's nodes: depth-first in stored order, so an already valid order is
// kept; a subgraph's reads of outer values count as dependencies of the node that owns it.
import { CheckError } from './errors.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** Values a node depends on: its inputs and the outer values its subgraphs read. */
function dependencies(node: Node): Value[] {
  const deps = node._inputs.filter((v): v is Value => v !== null);
  for (const g of node.subgraphs()) deps.push(...g.outerValues());
  return deps;
}

/** Depth-first topological sort in stored order, iterative (deep chains must not overflow the stack). */
export function topoSort(graph: Graph): Node[] {
  const state = new Map<Node, 1 | 2>(); // 1 visiting, 2 done
  const order: Node[] = [];
  for (const root of graph.nodes) {
    if (state.has(root)) continue;
    const stack: { node: Node; deps: Value[]; i: number }[] = [{ node: root, deps: dependencies(root), i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.deps.length) {
        const v = top.deps[top.i++]!;
        // A dependency produced in this graph (directly, or via the graph that owns a subgraph's outer value).
        let p = v.producer();
        if (p && p.graph !== graph) p = ancestorIn(p, graph);
        if (!p || p.graph !== graph) continue;
        const s = state.get(p);
        if (s === 2) continue;
        if (s === 1) {
          throw new CheckError(`graph ${graph.name} has a cycle through node ${p.label()}`, {
            code: 'check/cycle',
            node: p.label(),
            value: v.name,
          });
        }
        state.set(p, 1);
        stack.push({ node: p, deps: dependencies(p), i: 0 });
      } else {
        state.set(top.node, 2);
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

function ancestorIn(node: Node, graph: Graph): Node | null {
  let n: Node | undefined = node;
  while (n && n.graph !== graph) n = n.graph.parentNode;
  return n ?? null;
}
