// IR Graph / LocalFunction -> GraphProto / FunctionProto message objects.
import { SparseTensor, tensorType, type Graph, type LocalFunction, type Node, type Value } from '@enxuto/ir';
import { EXTRAS } from '../read/read-graph.js';
import type {
  FunctionProto,
  GraphProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorAnnotation,
  ValueInfoProto,
} from '../schema/messages.js';
import { setStrings, type WriteContext } from './context.js';
import { attributeToProto } from './write-attribute.js';
import { sparseToProto, tensorToProto } from './write-tensor.js';
import { hasValueInfo, metadataToProto, valueInfoToProto } from './write-type.js';

export function opsetsToProto(
  opsets: ReadonlyMap<string, number>,
  extras: ReadonlyMap<string, unknown>,
): OperatorSetIdProto[] {
  const noDomain = extras.get(EXTRAS.opsetWithoutDomain) === true;
  return [...opsets].map(([domain, version]) => (domain === '' && noDomain ? { version } : { domain, version }));
}

function nodeToProto(ctx: WriteContext, n: Node): NodeProto {
  const msg: NodeProto = {
    input: n.inputs.map((v) => v?.name ?? ''),
    output: n.outputs.map((v) => v?.name ?? ''),
  };
  setStrings(msg, n.extras, { name: n.name });
  msg.opType = n.opType;
  setStrings(msg, n.extras, { domain: n.domain, overload: n.overload });
  const where = { node: n.label() };
  msg.attribute = [...n.attributes].map(([name, a]) =>
    attributeToProto(ctx, name, a, (g) => graphToProto(ctx, g), where),
  );
  setStrings(msg, n.extras, { docString: n.docString });
  if (n.metadata.size > 0) msg.metadataProps = metadataToProto(n.metadata);
  const devices = n.extras.get(EXTRAS.deviceConfigurations) as NodeProto['deviceConfigurations'];
  if (devices?.length) msg.deviceConfigurations = devices;
  return msg;
}

/** An initializer's declared type differs from what its tensor implies (e.g. symbolic dims). */
function typeBeyondTensor(v: Value): boolean {
  const t = v.const!;
  return JSON.stringify(v.type) !== JSON.stringify(tensorType(t.dtype, [...t.shape]));
}

/** value_info entries: node outputs (and function inputs) that carry a type, doc or metadata. */
function valueInfos(g: Graph, order: readonly Node[], extra: readonly Value[]): ValueInfoProto[] {
  const out: ValueInfoProto[] = [];
  const outputs = new Set(g.outputs);
  for (const v of extra) if (hasValueInfo(v)) out.push(valueInfoToProto(v));
  for (const n of order) {
    for (const v of n.outputs) if (v && !outputs.has(v) && hasValueInfo(v)) out.push(valueInfoToProto(v));
  }
  const orphans = g.extras.get(EXTRAS.orphanValueInfo) as ValueInfoProto[] | undefined;
  for (const vi of orphans ?? []) if (!g.value(vi.name ?? '')) out.push(vi);
  return out;
}

/** Initializers in the order they were read, new ones after. */
function inFileOrder(g: Graph, values: Value[]): Value[] {
  const order = g.extras.get(EXTRAS.initializerOrder) as string[] | undefined;
  if (!order) return values;
  const rank = new Map(order.map((n, i) => [n, i]));
  return values
    .map((v, i) => ({ v, key: rank.get(v.name) ?? order.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.v);
}

export function graphToProto(ctx: WriteContext, g: Graph): GraphProto {
  const order = g.topologicalOrder();
  const inputs = new Set(g.inputs);
  const outputs = new Set(g.outputs);
  const initializers = inFileOrder(g, g.initializers());
  const msg: GraphProto = { node: order.map((n) => nodeToProto(ctx, n)), name: g.name };
  msg.initializer = initializers
    .filter((v) => !(v.const instanceof SparseTensor))
    .map((v) =>
      tensorToProto(
        ctx,
        v.const!,
        {
          name: v.name,
          docString: v.extras.get(EXTRAS.tensorDocString) as string | undefined,
          metadataProps: v.extras.get(EXTRAS.tensorMetadata) as StringStringEntryProto[] | undefined,
        },
        true,
      ),
    );
  msg.sparseInitializer = initializers
    .filter((v) => v.const instanceof SparseTensor)
    .map((v) => sparseToProto(ctx, v.const!, v.name, 'sparse_initializer'));
  setStrings(msg, g.extras, { docString: g.docString });
  msg.input = g.inputs.map(valueInfoToProto);
  msg.output = g.outputs.map(valueInfoToProto);
  const typedInitializers = initializers.filter(
    (v) => !inputs.has(v) && !outputs.has(v) && (typeBeyondTensor(v) || v.docString !== '' || v.metadata.size > 0),
  );
  msg.valueInfo = valueInfos(g, order, typedInitializers);
  const annotations = g.extras.get(EXTRAS.quantizationAnnotation) as TensorAnnotation[] | undefined;
  if (annotations?.length) msg.quantizationAnnotation = annotations;
  if (g.metadata.size > 0) msg.metadataProps = metadataToProto(g.metadata);
  return msg;
}

export function functionToProto(ctx: WriteContext, f: LocalFunction): FunctionProto {
  const body = f.body;
  const order = body.topologicalOrder();
  const msg: FunctionProto = {
    name: f.name,
    input: body.inputs.map((v) => v.name),
    output: body.outputs.map((v) => v.name),
    attribute: f.attributes.filter((a) => !f.attributeDefaults.has(a)),
    attributeProto: [...f.attributeDefaults].map(([name, a]) =>
      attributeToProto(ctx, name, a, (g) => graphToProto(ctx, g), {}),
    ),
    node: order.map((n) => nodeToProto(ctx, n)),
  };
  setStrings(msg, f.extras, { docString: f.docString });
  msg.opsetImport = opsetsToProto(f.opsetImports, f.extras);
  msg.domain = f.domain;
  setStrings(msg, f.extras, { overload: f.overload });
  // Function inputs/outputs are bare names: their types travel in value_info.
  const outputsAsExtra = body.outputs.filter((v) => v.graph === body && v.producer() !== null);
  const infos = valueInfos(body, order, body.inputs);
  for (const v of outputsAsExtra) if (hasValueInfo(v)) infos.push(valueInfoToProto(v));
  if (infos.length > 0) msg.valueInfo = infos;
  if (f.metadata.size > 0) msg.metadataProps = metadataToProto(f.metadata);
  return msg;
}
