// fold-constants: nodes whose inputs are all constants are computed now and become initializers.
import type { Graph, Model, Node, Tensor, Value } from '@enxuto/ir';
import { definePass } from '@enxuto/pipeline';
import { z } from 'zod';
import { constOf, dropUnusedInitializers } from './graph-utils.js';
import { evaluateOp, MAX_FOLDED_ELEMENTS } from './kernels/evaluate-op.js';

function foldNode(g: Graph, node: Node, maxElements: number, touched: Value[]): boolean {
  if (node.domain !== '' || node.outputs.length !== 1 || node.subgraphs().length > 0) return false;
  const out = node.outputs[0];
  // A graph output keeps its producer: some runtimes reject outputs that are initializers.
  if (!out || out.isGraphOutput()) return false;
  const inputs: (Tensor | undefined)[] = node.inputs.map((v) => (v ? constOf(v) : undefined));
  if (node.inputs.some((v, i) => v && !inputs[i])) return false;
  let result: Tensor | undefined;
  try {
    result = evaluateOp(node, inputs);
  } catch {
    return false;
  }
  if (!result || result.size > maxElements) return false;
  const name = out.name;
  const type = out.type;
  touched.push(...node.inputs.filter((v): v is Value => v !== null));
  const v = g.addInitializer(g.uniqueName(`${name}_folded`), result);
  g.replaceAllUsesWith(out, v);
  g.remove(node);
  g.rename(v, name);
  if (type?.kind === 'tensor' && type.dtype === result.dtype) v.type = { kind: 'tensor', dtype: result.dtype, shape: [...result.shape] };
  return true;
}

export const foldConstants = definePass({
  name: 'fold-constants',
  summary: 'Compute nodes whose inputs are all constants and store the results as initializers',
  options: z.strictObject({
    maxElements: z
      .number()
      .int()
      .min(1)
      .max(MAX_FOLDED_ELEMENTS)
      .default(1 << 20)
      .describe('largest folded tensor (elements); bigger results stay as nodes so files do not grow'),
  }),
  async run(model: Model, options) {
    const g = model.graph;
    let folded = 0;
    const touched: Value[] = [];
    for (const node of [...g.topologicalOrder()]) {
      if (!node.isRemoved() && foldNode(g, node, options.maxElements, touched)) folded++;
    }
    // Only constants the folding itself left unread; other unused ones are eliminate-dead-code's job.
    const removedInitializers = dropUnusedInitializers(g, touched);
    return { model, changed: folded > 0, stats: { folded, removedInitializers } };
  },
});
