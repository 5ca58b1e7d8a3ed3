// A piece of a model as a model of its own: some nodes of the main graph, with chosen values
// as graph inputs and outputs. Layer-by-layer work (calibration of one layer at a time, bounded
// memory) runs such pieces instead of the whole model.
import { copyAttr, copyModelShell, copyValueInfo } from './clone.js';
import { CheckError } from './errors.js';
import { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** Values a node reads: its inputs and the outer values its subgraphs read. */
export function nodeDependencies(node: Node): Value[] {
  const deps = node.inputs.filter((v): v is Value => v !== null);
  for (const g of node.subgraphs()) deps.push(...g.outerValues());
  return deps;
}

/**
 * A model made of `nodes` (of `model.graph`, any order), fed by `inputs` and returning `outputs`.
 * Initializers the nodes read come along (tensors are shared, not copied). Every other value the
 * nodes read must be in `inputs` or produced by one of `nodes`: a CheckError names it otherwise.
 */
export function extractModel(
  model: Model,
  nodes: Iterable<Node>,
  inputs: readonly Value[],
  outputs: readonly Value[],
): Model {
  const src = model.graph;
  const keep = new Set(nodes);
  const g = new Graph(src.name);
  const map = new Map<Value, Value>();
  for (const v of inputs) {
    const c = g.addInput(v.name);
    copyValueInfo(v, c);
    map.set(v, c);
  }
  const order = src.topologicalOrder().filter((n) => keep.has(n));
  for (const n of order) {
    for (const v of nodeDependencies(n)) {
      if (map.has(v)) continue;
      if (v.isInitializer() && !v.isGraphInput()) {
        const c = g.addInitializer(v.name, v.const!);
        copyValueInfo(v, c);
        map.set(v, c);
        continue;
      }
      throw new CheckError(`value ${v.name} read by node ${n.name || n.opType} is neither an input nor computed`, {
        code: 'ir/extract-missing',
        node: n.name,
        value: v.name,
      });
    }
    const c = g.addNode({
      opType: n.opType,
      domain: n.domain,
      name: n.name,
      inputs: n.inputs.map((v) => (v ? map.get(v)! : null)),
      outputs: n.outputs.map((o) => (o ? o.name : null)),
      overload: n.overload,
    });
    n.outputs.forEach((o, i) => {
      if (!o) return;
      copyValueInfo(o, c.output(i));
      map.set(o, c.output(i));
    });
    for (const [k, a] of n.attributes) c.setAttr(k, copyAttr(a, c, map));
  }
  g.setOutputs(
    outputs.map((v) => {
      const c = map.get(v);
      if (!c)
        throw new CheckError(`output ${v.name} is not computed by the extracted nodes`, {
          code: 'ir/extract-missing',
          value: v.name,
        });
      return c;
    }),
  );
  return copyModelShell(model, g);
}
