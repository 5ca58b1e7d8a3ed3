// GraphProto / FunctionProto bodies -> IR Graph. All node outputs of a graph are defined before any
// input is connected, so unsorted files read fine, subgraphs see every outer value, and cycles
// survive reading for checkModel() to report.
import { EnxutoError, FormatError, Graph, LocalFunction, type Node, type Value } from '@enxuto/ir';
import { int64ToSafeNumber } from '../schema/int64.js';
import type {
  FunctionProto,
  GraphProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TypeProto,
  ValueInfoProto,
} from '../schema/messages.js';
import { formatError, has, presentButEmpty, unsupported, type ReadContext } from './context.js';
import { readAttribute } from './read-attribute.js';
import { readSparseTensor, readTensor } from './read-tensor.js';
import { readType } from './read-type.js';

/** Keys under which ONNX-only data is kept in the IR's `extras` maps, for a lossless round trip. */
export const EXTRAS = {
  /** Value: the original TypeProto when it holds more than the IR type (denotations, UNDEFINED elem). */
  typeProto: 'onnx.typeProto',
  /** Value (initializer): TensorProto doc_string / metadata_props. */
  tensorDocString: 'onnx.tensorDocString',
  tensorMetadata: 'onnx.tensorMetadata',
  /** Graph: value_info entries naming no value of the graph. */
  orphanValueInfo: 'onnx.orphanValueInfo',
  quantizationAnnotation: 'onnx.quantizationAnnotation',
  /** Node: NodeDeviceConfigurationProto list (opaque). */
  deviceConfigurations: 'onnx.deviceConfigurations',
  /** Graph: initializer names in file order (which may differ from the value order when inputs list them too). */
  initializerOrder: 'onnx.initializerOrder',
  /** Any element: optional string fields present on the wire with an empty value. */
  emptyFields: 'onnx.emptyFields',
  /** Model / function: the '' opset entry was written without a domain field. */
  opsetWithoutDomain: 'onnx.opsetWithoutDomain',
  /** Model: TrainingInfoProto and DeviceConfigurationProto lists (opaque decoded messages). */
  trainingInfo: 'onnx.trainingInfo',
  configuration: 'onnx.configuration',
} as const;

/** Re-raises IR errors (duplicate names, ...) as FormatErrors naming the file. */
function guard<T>(ctx: ReadContext, where: { node?: string; value?: string; field?: string }, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) throw e.withLocation({ file: ctx.file, ...where });
    if (e instanceof EnxutoError) {
      throw new FormatError(e.message, {
        code: e.code.replace(/^graph\//, 'onnx/'),
        file: ctx.file,
        node: e.node ?? where.node,
        value: e.value ?? where.value,
        field: e.field ?? where.field,
        cause: e,
      });
    }
    throw e;
  }
}

export function readMetadata(
  ctx: ReadContext,
  props: readonly StringStringEntryProto[] | undefined,
  target: Map<string, string>,
  where: { node?: string; value?: string; field: string },
): void {
  for (const p of props ?? []) {
    const key = p.key ?? '';
    if (target.has(key))
      throw formatError(ctx, 'onnx/duplicate-metadata', `metadata key ${JSON.stringify(key)} appears twice`, where);
    target.set(key, p.value ?? '');
  }
}

export function keepEmptyFields(extras: Map<string, unknown>, empty: string[]): void {
  if (empty.length > 0) extras.set(EXTRAS.emptyFields, empty);
}

/** Reads opset_import; returns true when the default-domain entry had no domain field. */
export function readOpsets(
  ctx: ReadContext,
  list: readonly OperatorSetIdProto[] | undefined,
  target: Map<string, number>,
  field: string,
): boolean {
  let withoutDomain = false;
  for (const o of list ?? []) {
    if (!has(o, 'domain')) withoutDomain = true;
    const domain = o.domain ?? '';
    const version = int64ToSafeNumber(o.version);
    if (version === undefined)
      throw formatError(ctx, 'onnx/bad-opset', `opset version of '${domain}' is beyond 2^53`, { field });
    if (target.has(domain))
      throw formatError(ctx, 'onnx/duplicate-opset', `opset_import lists domain '${domain}' twice`, { field });
    target.set(domain, version);
  }
  return withoutDomain;
}

/** True when converting the TypeProto to an IR type loses something (a denotation, an unknown type). */
function typeLosesInfo(tp: TypeProto, converted: unknown): boolean {
  if (converted === undefined) return true;
  const stack: unknown[] = [tp];
  while (stack.length > 0) {
    const m = stack.pop();
    if (m === null || typeof m !== 'object' || m instanceof Uint8Array) continue;
    for (const [k, v] of Object.entries(m)) {
      if (k === 'denotation' && v) return true;
      if (Array.isArray(v)) stack.push(...v);
      else if (typeof v === 'object') stack.push(v);
    }
  }
  return false;
}

function applyValueInfo(ctx: ReadContext, v: Value, vi: ValueInfoProto, field: string): void {
  const where = { value: v.name, field };
  if (vi.type) {
    const t = readType(ctx, vi.type, where);
    if (t !== undefined) v.type = t;
    if (typeLosesInfo(vi.type, t)) v.extras.set(EXTRAS.typeProto, vi.type);
    else v.extras.delete(EXTRAS.typeProto);
  }
  if (vi.docString) v.docString = vi.docString;
  keepEmptyFields(v.extras, presentButEmpty(vi, ['docString']));
  readMetadata(ctx, vi.metadataProps, v.metadata, where);
}

function label(np: NodeProto): string {
  return np.name || `${np.opType ?? '?'}(${np.output?.find((o) => o) ?? ''})`;
}

function lookupOrFail(ctx: ReadContext, g: Graph, name: string, where: { node?: string; field: string }): Value {
  const v = g.lookup(name);
  if (!v)
    throw formatError(ctx, 'onnx/undefined-value', `${name} is not defined in this graph or an enclosing one`, {
      ...where,
      value: name,
    });
  return v;
}

/** Adds nodes, connects them, reads their attributes (building subgraphs). */
function readNodes(ctx: ReadContext, g: Graph, protos: readonly NodeProto[]): void {
  const nodes: Node[] = protos.map((np) =>
    guard(ctx, { node: label(np), field: 'output' }, () => {
      const n = g.addNode({
        opType: np.opType ?? '',
        domain: np.domain ?? '',
        name: np.name ?? '',
        outputs: (np.output ?? []).map((o) => (o === '' ? null : o)),
        overload: np.overload ?? '',
        docString: np.docString ?? '',
      });
      readMetadata(ctx, np.metadataProps, n.metadata, { node: label(np), field: 'metadata_props' });
      keepEmptyFields(n.extras, presentButEmpty(np, ['name', 'domain', 'overload', 'docString']));
      if (np.deviceConfigurations?.length) n.extras.set(EXTRAS.deviceConfigurations, np.deviceConfigurations);
      return n;
    }),
  );
  protos.forEach((np, k) => {
    const n = nodes[k]!;
    const node = label(np);
    const inputs = (np.input ?? []).map((name, i) =>
      name === '' ? null : lookupOrFail(ctx, g, name, { node, field: `input[${i}]` }),
    );
    guard(ctx, { node, field: 'input' }, () => g.setInputs(n, inputs));
    for (const a of np.attribute ?? []) {
      const attr = readAttribute(ctx, a, n, (gp, owner, field) => {
        const sub = new Graph(gp.name ?? '', owner ? { parent: owner } : { subgraph: true });
        readGraphInto(ctx, gp, sub, field);
        return sub;
      });
      const name = a.name ?? '';
      if (n.attributes.has(name))
        throw formatError(ctx, 'onnx/duplicate-attribute', `attribute ${name} appears twice`, {
          node,
          field: `attribute ${name}`,
        });
      n.setAttr(name, attr);
    }
  });
}

function readValueInfos(ctx: ReadContext, g: Graph, list: readonly ValueInfoProto[] | undefined): void {
  const orphans: ValueInfoProto[] = [];
  for (const vi of list ?? []) {
    const v = g.value(vi.name ?? '');
    if (v) applyValueInfo(ctx, v, vi, 'value_info');
    else orphans.push(vi);
  }
  if (orphans.length > 0) g.extras.set(EXTRAS.orphanValueInfo, orphans);
}

function setOutputs(ctx: ReadContext, g: Graph, names: readonly string[], infos?: readonly ValueInfoProto[]): void {
  const seen = new Set<string>();
  const outs = names.map((name, i) => {
    if (seen.has(name))
      throw formatError(ctx, 'onnx/duplicate-output', `graph output ${name} is listed twice`, {
        value: name,
        field: `output[${i}]`,
      });
    seen.add(name);
    const v = lookupOrFail(ctx, g, name, { field: `output[${i}]` });
    const vi = infos?.[i];
    if (vi && v.graph === g) applyValueInfo(ctx, v, vi, `output[${i}]`);
    return v;
  });
  guard(ctx, { field: 'output' }, () => g.setOutputs(outs));
}

/** Reads a GraphProto into the empty graph `g` (the main graph or a subgraph already parented). */
export function readGraphInto(ctx: ReadContext, gp: GraphProto, g: Graph, field = 'graph'): void {
  g.name = gp.name ?? '';
  g.docString = gp.docString ?? '';
  keepEmptyFields(g.extras, presentButEmpty(gp, ['docString']));
  readMetadata(ctx, gp.metadataProps, g.metadata, { field: `${field}.metadata_props` });
  if (gp.quantizationAnnotation?.length) g.extras.set(EXTRAS.quantizationAnnotation, gp.quantizationAnnotation);
  for (const [i, vi] of (gp.input ?? []).entries()) {
    const name = vi.name ?? '';
    // An empty name means "absent" wherever a node reads it: a graph input must have one.
    if (!name) throw formatError(ctx, 'onnx/empty-name', 'graph input has no name', { field: `${field}.input[${i}]` });
    const v = guard(ctx, { value: name, field: `input[${i}]` }, () => g.addInput(name));
    applyValueInfo(ctx, v, vi, `input[${i}]`);
  }
  for (const [i, tp] of (gp.initializer ?? []).entries()) {
    const name = tp.name ?? '';
    if (!name) throw formatError(ctx, 'onnx/empty-name', 'initializer has no name', { field: `initializer[${i}]` });
    const tensor = readTensor(ctx, tp, { value: name, field: 'initializer' });
    const v = guard(ctx, { value: name, field: 'initializer' }, () => g.addInitializer(name, tensor));
    if (tp.docString) v.extras.set(EXTRAS.tensorDocString, tp.docString);
    if (tp.metadataProps?.length)
      v.extras.set(
        EXTRAS.tensorMetadata,
        tp.metadataProps.map((p) => ({ key: p.key ?? '', value: p.value ?? '' })),
      );
  }
  const order = (gp.initializer ?? []).map((t) => t.name ?? '');
  const inValueOrder = g.initializers().map((v) => v.name);
  if (order.some((n, i) => inValueOrder[i] !== n)) g.extras.set(EXTRAS.initializerOrder, order);
  for (const sp of gp.sparseInitializer ?? []) {
    const name = sp.values?.name ?? '';
    if (!name)
      throw formatError(ctx, 'onnx/empty-name', 'sparse initializer has no name', { field: 'sparse_initializer' });
    const tensor = readSparseTensor(ctx, sp, { value: name, field: 'sparse_initializer' });
    guard(ctx, { value: name, field: 'sparse_initializer' }, () => g.addInitializer(name, tensor));
  }
  readNodes(ctx, g, gp.node ?? []);
  readValueInfos(ctx, g, gp.valueInfo);
  setOutputs(
    ctx,
    g,
    (gp.output ?? []).map((o) => o.name ?? ''),
    gp.output ?? [],
  );
}

export function readFunction(ctx: ReadContext, fp: FunctionProto): LocalFunction {
  const name = fp.name ?? '';
  const f = new LocalFunction(name, fp.domain ?? '');
  const where = { field: `function ${fp.domain ?? ''}.${name}` };
  f.overload = fp.overload ?? '';
  f.docString = fp.docString ?? '';
  f.attributes = [...(fp.attribute ?? [])];
  if (readOpsets(ctx, fp.opsetImport, f.opsetImports, `${where.field}.opset_import`))
    f.extras.set(EXTRAS.opsetWithoutDomain, true);
  keepEmptyFields(f.extras, presentButEmpty(fp, ['overload', 'docString']));
  readMetadata(ctx, fp.metadataProps, f.metadata, { field: `${where.field}.metadata_props` });
  for (const a of fp.attributeProto ?? []) {
    const attrName = a.name ?? '';
    if (f.attributeDefaults.has(attrName) || f.attributes.includes(attrName)) {
      throw formatError(ctx, 'onnx/duplicate-attribute', `function attribute ${attrName} is declared twice`, where);
    }
    // A default has no node to own a subgraph: graph-valued defaults cannot be represented.
    f.attributeDefaults.set(
      attrName,
      readAttribute(ctx, a, undefined, () => {
        throw unsupported(ctx, `graph-valued default for function attribute ${attrName}`, where);
      }),
    );
  }
  f.attributes.push(...f.attributeDefaults.keys());
  const body = f.body;
  for (const [i, input] of (fp.input ?? []).entries()) {
    guard(ctx, { value: input, field: `${where.field}.input[${i}]` }, () => body.addInput(input));
  }
  readNodes(ctx, body, fp.node ?? []);
  readValueInfos(ctx, body, fp.valueInfo);
  setOutputs(ctx, body, fp.output ?? []);
  return f;
}
