// eliminate-identity: Identity nodes (and Dropout in inference, which is one) are bypassed.
import { walkGraphs, type Graph, type Model, type Node } from '@enxuto/ir';
import { definePass } from '@enxuto/pipeline';
import { z } from 'zod';
import { bypassNode } from './graph-utils.js';

function isIdentityLike(node: Node, dropout: boolean): boolean {
  if (node.domain !== '') return false;
  if (node.opType === 'Identity') return true;
  // Dropout is the identity at inference when its mask output is unused and training_mode is unset.
  if (dropout && node.opType === 'Dropout' && node.inputs.length <= 1) {
    const mask = node.outputs[1];
    return !mask || (mask.uses().length === 0 && !mask.isGraphOutput());
  }
  return false;
}

function bypassable(g: Graph, node: Node): boolean {
  const x = node.input(0);
  const y = node.outputs[0];
  if (!x || !y) return false;
  if (!y.isGraphOutput()) return true;
  // y names a graph output: x must be renamable to y's name (a node output of this graph that is
  // not itself an output), or the output's name would change.
  return x.graph === g && x.producer() !== null && !x.isGraphOutput();
}

export const eliminateIdentity = definePass({
  name: 'eliminate-identity',
  summary: 'Remove Identity nodes (and inference-mode Dropout) by wiring their readers to the input',
  options: z.strictObject({
    dropout: z.boolean().default(true).describe('also remove Dropout nodes, which are the identity at inference'),
  }),
  async run(model: Model, options) {
    let removed = 0;
    for (const g of walkGraphs(model.graph)) {
      for (const node of [...g.topologicalOrder()]) {
        if (node.isRemoved() || !isIdentityLike(node, options.dropout) || !bypassable(g, node)) continue;
        bypassNode(g, node, node.input(0)!);
        removed++;
      }
    }
    return { model, changed: removed > 0, stats: { removed } };
  },
});
