// Identity elimination: Identity nodes (and Dropout in inference, which is one) are bypassed.
import { walkGraphs, type Graph, type Model, type Node } from '@enxuto/ir';
import { bypassNode } from './graph-utils.js';

export interface EliminateIdentityOptions {
  /** Also remove Dropout nodes, which are the identity at inference (default true). */
  dropout?: boolean;
}

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

export function eliminateIdentity(model: Model, options: EliminateIdentityOptions = {}): { removed: number } {
  const dropout = options.dropout ?? true;
  let removed = 0;
  for (const g of walkGraphs(model.graph)) {
    for (const node of [...g.topologicalOrder()]) {
      if (node.isRemoved() || !isIdentityLike(node, dropout) || !bypassable(g, node)) continue;
      bypassNode(g, node, node.input(0)!);
      removed++;
    }
  }
  return { removed };
}
