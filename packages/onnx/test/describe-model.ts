// A canonical, JSON-comparable summary of an IR model: two models with equal summaries hold the
// same graphs, values, types, attributes and tensor bytes.
import type { Attr, Graph, Model, Tensor, Value } from '@enxuto/ir';

function hashBytes(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.byteLength; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${b.byteLength}:${(h >>> 0).toString(16)}`;
}

function tensor(t: Tensor): unknown {
  const data = t.dtype === 'string' ? t.strings().map(hashBytes) : hashBytes(t.bytes());
  return { dtype: t.dtype, shape: [...t.shape], data, kind: t.constructor.name };
}

function value(v: Value): unknown {
  return {
    name: v.name,
    type: v.type ?? null,
    doc: v.docString,
    meta: [...v.metadata],
    const: v.const ? tensor(v.const) : null,
  };
}

function attr(a: Attr): unknown {
  const base = { type: a.type, ref: a.refAttrName ?? null, doc: a.docString ?? null };
  switch (a.type) {
    case 'tensor':
    case 'sparse-tensor':
      return { ...base, value: tensor(a.value) };
    case 'tensors':
    case 'sparse-tensors':
      return { ...base, value: a.value.map(tensor) };
    case 'graph':
      return { ...base, value: graph(a.value) };
    case 'graphs':
      return { ...base, value: a.value.map(graph) };
    case 'int':
      return { ...base, value: String(a.value) };
    case 'ints':
      return { ...base, value: a.value.map(String) };
    case 'floats':
      return { ...base, value: a.value.map((x) => (Number.isNaN(x) ? 'NaN' : x)) };
    case 'float':
      return { ...base, value: Number.isNaN(a.value) ? 'NaN' : a.value };
    default:
      return { ...base, value: a.value };
  }
}

export function graph(g: Graph): unknown {
  return {
    name: g.name,
    doc: g.docString,
    meta: [...g.metadata],
    inputs: g.inputs.map(value),
    outputs: g.outputs.map((v) => v.name),
    // ONNX keeps dense and sparse initializers in separate lists: value order is not preserved across them.
    values: [...g.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(value),
    nodes: g.nodes.map((n) => ({
      op: `${n.domain}::${n.opType}`,
      name: n.name,
      overload: n.overload,
      doc: n.docString,
      meta: [...n.metadata],
      inputs: n.inputs.map((v) => v?.name ?? null),
      outputs: n.outputs.map((v) => v?.name ?? null),
      attrs: [...n.attributes].map(([k, a]) => [k, attr(a)]),
    })),
  };
}

export function describeModel(m: Model): unknown {
  return JSON.parse(
    JSON.stringify({
      ir: m.irVersion,
      opsets: [...m.opsetImports],
      producer: [m.producerName, m.producerVersion, m.domain, String(m.modelVersion), m.docString],
      meta: [...m.metadata],
      graph: graph(m.graph),
      functions: m.functions.map((f) => ({
        key: f.key,
        doc: f.docString,
        attributes: f.attributes,
        defaults: [...f.attributeDefaults].map(([k, a]) => [k, attr(a)]),
        opsets: [...f.opsetImports],
        body: graph(f.body),
      })),
      extras: [...m.extras.keys()],
    }),
  );
}
