// AttributeProto -> IR Attr.
import { Graph, tensorFromValues, type Attr, type AttrValue, type Int, type Node } from '@enxuto/ir';
import { int64ToBigInt } from '../schema/int64.js';
import {
  OnnxAttributeType as A,
  type AttributeProto,
  type GraphProto,
  type Int64,
  type TensorProto,
} from '../schema/messages.js';
import { rememberTensorName } from '../tensor-form.js';
import { formatError, has, unsupported, type ReadContext } from './context.js';
import { readSparseTensor, readTensor } from './read-tensor.js';
import { readType } from './read-type.js';

export type GraphBuilder = (g: GraphProto, owner: Node | undefined, field: string) => Graph;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** int64 as a number when exact, else a bigint (INT64_MAX in Slice ends must survive). */
export function readInt(v: Int64 | undefined): Int {
  const b = int64ToBigInt(v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** ONNX (proto IR v1) attributes may lack a type: infer it from the field that is set. */
function inferType(a: AttributeProto): number {
  if (has(a, 'f')) return A.FLOAT;
  if (has(a, 'i')) return A.INT;
  if (has(a, 's')) return A.STRING;
  if (has(a, 't')) return A.TENSOR;
  if (has(a, 'g')) return A.GRAPH;
  if (has(a, 'sparseTensor')) return A.SPARSE_TENSOR;
  if (has(a, 'tp')) return A.TYPE_PROTO;
  if (a.floats?.length) return A.FLOATS;
  if (a.ints?.length) return A.INTS;
  if (a.strings?.length) return A.STRINGS;
  if (a.tensors?.length) return A.TENSORS;
  if (a.graphs?.length) return A.GRAPHS;
  if (a.sparseTensors?.length) return A.SPARSE_TENSORS;
  if (a.typeProtos?.length) return A.TYPE_PROTOS;
  return A.UNDEFINED;
}

/** Stand-in value of a function-body attribute that refers to the caller's (`ref_attr_name`). */
function placeholder(type: number, owner: Node | undefined): AttrValue | undefined {
  switch (type) {
    case A.FLOAT:
      return { type: 'float', value: 0 };
    case A.INT:
      return { type: 'int', value: 0 };
    case A.STRING:
      return { type: 'string', value: '' };
    case A.TENSOR:
      return { type: 'tensor', value: tensorFromValues('float32', [], [0]) };
    case A.SPARSE_TENSOR:
      return { type: 'sparse-tensor', value: tensorFromValues('float32', [], [0]) };
    case A.GRAPH:
      return { type: 'graph', value: new Graph('', owner ? { parent: owner } : { subgraph: true }) };
    case A.TYPE_PROTO:
      return { type: 'type', value: { kind: 'tensor', dtype: 'float32' } };
    case A.FLOATS:
      return { type: 'floats', value: [] };
    case A.INTS:
      return { type: 'ints', value: [] };
    case A.STRINGS:
      return { type: 'strings', value: [] };
    case A.TENSORS:
      return { type: 'tensors', value: [] };
    case A.GRAPHS:
      return { type: 'graphs', value: [] };
    case A.SPARSE_TENSORS:
      return { type: 'sparse-tensors', value: [] };
    case A.TYPE_PROTOS:
      return { type: 'types', value: [] };
    default:
      return undefined;
  }
}

/** `owner` is the node holding the attribute (undefined for a function's attribute defaults). */
export function readAttribute(
  ctx: ReadContext,
  a: AttributeProto,
  owner: Node | undefined,
  buildGraph: GraphBuilder,
): Attr {
  const name = a.name ?? '';
  const node = owner ? owner.name || owner.opType : undefined;
  const field = `attribute ${name}`;
  const where = node === undefined ? { field } : { node, field };
  const type = has(a, 'type') && a.type !== A.UNDEFINED ? a.type! : inferType(a);
  const text = (b: Uint8Array) => {
    try {
      return utf8.decode(b);
    } catch {
      throw unsupported(ctx, 'attribute string that is not UTF-8', where);
    }
  };
  const need = <T>(v: T | null | undefined, what: string): T => {
    if (v == null) throw formatError(ctx, 'onnx/attribute-value', `attribute of type ${what} has no value`, where);
    return v;
  };

  const attrTensor = (t: TensorProto, f: string) =>
    rememberTensorName(readTensor(ctx, t, { ...where, field: f }), has(t, 'name') ? t.name : undefined);

  let value: AttrValue | undefined;
  if (has(a, 'refAttrName')) {
    value = placeholder(type, owner);
  } else {
    switch (type) {
      case A.FLOAT:
        value = { type: 'float', value: a.f ?? 0 };
        break;
      case A.INT:
        value = { type: 'int', value: readInt(a.i) };
        break;
      case A.STRING:
        value = { type: 'string', value: text(a.s ?? new Uint8Array(0)) };
        break;
      case A.TENSOR:
        value = { type: 'tensor', value: attrTensor(need(a.t, 'TENSOR'), field) };
        break;
      case A.SPARSE_TENSOR:
        value = { type: 'sparse-tensor', value: readSparseTensor(ctx, need(a.sparseTensor, 'SPARSE_TENSOR'), where) };
        break;
      case A.GRAPH:
        value = { type: 'graph', value: buildGraph(need(a.g, 'GRAPH'), owner, field) };
        break;
      case A.TYPE_PROTO:
        value = { type: 'type', value: need(readType(ctx, need(a.tp, 'TYPE_PROTO'), where), 'TYPE_PROTO') };
        break;
      case A.FLOATS:
        value = { type: 'floats', value: [...(a.floats ?? [])] };
        break;
      case A.INTS:
        value = { type: 'ints', value: (a.ints ?? []).map(readInt) };
        break;
      case A.STRINGS:
        value = { type: 'strings', value: (a.strings ?? []).map(text) };
        break;
      case A.TENSORS:
        value = { type: 'tensors', value: (a.tensors ?? []).map((t, i) => attrTensor(t, `${field}[${i}]`)) };
        break;
      case A.GRAPHS:
        value = { type: 'graphs', value: (a.graphs ?? []).map((g, i) => buildGraph(g, owner, `${field}[${i}]`)) };
        break;
      case A.SPARSE_TENSORS:
        value = {
          type: 'sparse-tensors',
          value: (a.sparseTensors ?? []).map((t, i) => readSparseTensor(ctx, t, { ...where, field: `${field}[${i}]` })),
        };
        break;
      case A.TYPE_PROTOS:
        value = {
          type: 'types',
          value: (a.typeProtos ?? []).map((t, i) =>
            need(readType(ctx, t, { ...where, field: `${field}[${i}]` }), 'TYPE_PROTOS'),
          ),
        };
        break;
    }
  }
  if (value === undefined) {
    const what = type === A.UNDEFINED ? 'has no type and no value' : `has unknown type ${type}`;
    throw formatError(ctx, 'onnx/attribute-type', `attribute ${what}`, where);
  }
  const out: Attr = { ...value };
  if (has(a, 'refAttrName')) out.refAttrName = a.refAttrName!;
  if (has(a, 'docString')) out.docString = a.docString!;
  return out;
}
