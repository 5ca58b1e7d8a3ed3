// eliminate-dead-code: nodes whose outputs nothing reads, and initializers nothing reads.
import { walkGraphs, type Graph, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pipeline';
import { z } from 'zod';
import { dropUnusedInitializers } from './graph-utils.js';

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

export const eliminateDeadCode = definePass({
  name: 'eliminate-dead-code',
  summary: 'Remove nodes and initializers that no graph output depends on',
  options: z.strictObject({
    initializers: z.boolean().default(true).describe('also remove initializers that nothing reads'),
  }),
  async run(model: Model, options) {
    let nodes = 0;
    let initializers = 0;
    // Subgraphs first (deepest last in the walk), so outer values they stop reading become dead too.
    const graphs = [...walkGraphs(model.graph)].reverse();
    for (const g of graphs) nodes += removeDeadNodes(g);
    if (options.initializers) for (const g of graphs) initializers += dropUnusedInitializers(g);
    return { model, changed: nodes + initializers > 0, stats: { removedNodes: nodes, removedInitializers: initializers } };
  },
});
