// Deep copies of graphs and models. Tensors are immutable, so copies share them.
import type { Attr } from './attr.js';
import { Graph } from './graph.js';
import { LocalFunction, Model } from './model.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** @internal */
export function copyValueInfo(from: Value, to: Value): void {
  to.type = from.type === undefined ? undefined : structuredClone(from.type);
  to.quant = from.quant;
  to.docString = from.docString;
  for (const [k, v] of from.metadata) to.metadata.set(k, v);
  for (const [k, v] of from.extras) to.extras.set(k, v);
}

/**
 * Copies `src` into the empty graph `dst`. `map` translates values of enclosing graphs, so a
 * subgraph's outer-scope references point at the copies.
 */
function copyInto(src: Graph, dst: Graph, map: Map<Value, Value>): void {
  dst.name = src.name;
  dst.docString = src.docString;
  for (const [k, v] of src.metadata) dst.metadata.set(k, v);
  for (const [k, v] of src.extras) dst.extras.set(k, v);
  for (const v of src.inputs) {
    const c = dst.addInput(v.name);
    copyValueInfo(v, c);
    map.set(v, c);
  }
  for (const v of src.values()) {
    if (!v.isInitializer()) continue;
    const c = dst.addInitializer(v.name, v.const!);
    copyValueInfo(v, c);
    map.set(v, c);
  }
  // Outputs first, inputs second: stored order need not be topological.
  const pairs: [Node, Node][] = [];
  for (const n of src.nodes) {
    const c = dst.addNode({
      opType: n.opType,
      domain: n.domain,
      name: n.name,
      outputs: n.outputs.map((o) => (o ? o.name : null)),
      overload: n.overload,
      docString: n.docString,
    });
    for (const [k, v] of n.metadata) c.metadata.set(k, v);
    for (const [k, v] of n.extras) c.extras.set(k, v);
    n.outputs.forEach((o, i) => {
      if (!o) return;
      copyValueInfo(o, c.output(i));
      map.set(o, c.output(i));
    });
    pairs.push([n, c]);
  }
  for (const [n, c] of pairs) {
    dst.setInputs(
      c,
      n.inputs.map((v) => (v ? (map.get(v) ?? v) : null)),
    );
    for (const [k, a] of n.attributes) c.setAttr(k, copyAttr(a, c, map));
  }
  dst.setOutputs(src.outputs.map((v) => map.get(v) ?? v));
}

/** @internal */
export function copyAttr(a: Attr, owner: Node, map: Map<Value, Value>): Attr {
  const sub = (g: Graph) => {
    const c = new Graph(g.name, { parent: owner });
    copyInto(g, c, map);
    return c;
  };
  if (a.type === 'graph') return { ...a, value: sub(a.value) };
  if (a.type === 'graphs') return { ...a, value: a.value.map(sub) };
  if (a.type === 'floats' || a.type === 'ints' || a.type === 'strings' || a.type === 'tensors') {
    return { ...a, value: [...a.value] } as Attr;
  }
  return { ...a };
}

export function cloneGraph(g: Graph): Graph {
  const c = new Graph(g.name);
  copyInto(g, c, new Map());
  return c;
}

export function cloneModel(m: Model): Model {
  return copyModelShell(m, cloneGraph(m.graph));
}

/** @internal A model around `graph` with `m`'s opsets, metadata and local functions (copied). */
export function copyModelShell(m: Model, graph: Graph): Model {
  const c = new Model(graph);
  c.irVersion = m.irVersion;
  c.opsetImports.clear();
  for (const [k, v] of m.opsetImports) c.opsetImports.set(k, v);
  c.producerName = m.producerName;
  c.producerVersion = m.producerVersion;
  c.domain = m.domain;
  c.modelVersion = m.modelVersion;
  c.docString = m.docString;
  for (const [k, v] of m.metadata) c.metadata.set(k, v);
  for (const [k, v] of m.extras) c.extras.set(k, v);
  for (const f of m.functions) {
    const body = new Graph(f.body.name);
    copyInto(f.body, body, new Map());
    const cf = new LocalFunction(f.name, f.domain, body);
    cf.overload = f.overload;
    cf.docString = f.docString;
    cf.attributes = [...f.attributes];
    for (const [k, v] of f.attributeDefaults) cf.attributeDefaults.set(k, v);
    for (const [k, v] of f.opsetImports) cf.opsetImports.set(k, v);
    for (const [k, v] of f.metadata) cf.metadata.set(k, v);
    for (const [k, v] of f.extras) cf.extras.set(k, v);
    c.functions.push(cf);
  }
  return c;
}
