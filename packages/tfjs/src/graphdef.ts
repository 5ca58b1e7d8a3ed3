// Typed access to one GraphDef node of a model.json (`{name, op, input, attr}`), where attribute
// values are AttrValue JSON: {s}, {i}, {f}, {b}, {type}, {shape}, {tensor}, {list: {...}}.
import { type DataType, FormatError } from '@enxuto/ir';
import { dtypeFromTfEnum, tfjsRunDtype } from './dtypes.js';
import {
  asName,
  asArray,
  asBool,
  asFiniteNumber,
  asInt,
  asObject,
  asString,
  formatError,
  own,
  type JsonObject,
  type Where,
} from './json.js';

export interface TfNode {
  name: string;
  op: string;
  /** Data inputs ('node' or 'node:k'). */
  inputs: string[];
  /** Control inputs ('^node'), without the caret: they only order execution. */
  controls: string[];
  attr: JsonObject;
  where: Where;
}

export function parseTfNode(j: unknown, index: number, where: Where): TfNode {
  const field = `modelTopology.node[${index}]`;
  const o = asObject(j, where, field);
  const name = asName(own(o, 'name'), where, `${field}.name`);
  const w = { ...where, node: name };
  if (name.length === 0 || name.includes(':') || name.startsWith('^')) {
    throw formatError(`invalid node name '${name}'`, 'tfjs/bad-name', w, `${field}.name`);
  }
  const op = asString(own(o, 'op'), w, `${field}.op`);
  const inputJson = own(o, 'input');
  const inputs =
    inputJson === undefined
      ? []
      : asArray(inputJson, w, `${field}.input`).map((s, i) => asString(s, w, `${field}.input[${i}]`));
  const attrJson = own(o, 'attr');
  const attr = attrJson === undefined ? {} : asObject(attrJson, w, `${field}.attr`);
  return {
    name,
    op,
    inputs: inputs.filter((s) => !s.startsWith('^')),
    controls: inputs.filter((s) => s.startsWith('^')).map((s) => s.slice(1)),
    attr,
    where: w,
  };
}

function attrValue(n: TfNode, key: string): JsonObject | undefined {
  const v = own(n.attr, key);
  return v === undefined ? undefined : asObject(v, n.where, `attr.${key}`);
}

function bytesToString(v: unknown, n: TfNode, field: string): string {
  if (Array.isArray(v)) {
    if (v.length > 4096) throw formatError('string attribute too long', 'tfjs/bad-attr', n.where, field);
    return String.fromCharCode(
      ...v.map((c, i) => {
        const b = asInt(c, n.where, `${field}[${i}]`);
        if (b < 0 || b > 255) throw formatError('byte out of range', 'tfjs/bad-attr', n.where, field);
        return b;
      }),
    );
  }
  const s = asString(v, n.where, field);
  try {
    return atob(s);
  } catch (e) {
    throw new FormatError('string attribute is not base64', { code: 'tfjs/bad-attr', ...n.where, field, cause: e });
  }
}

export function attrString(n: TfNode, key: string): string | undefined;
export function attrString(n: TfNode, key: string, fallback: string): string;
export function attrString(n: TfNode, key: string, fallback?: string): string | undefined {
  const a = attrValue(n, key);
  if (!a || own(a, 's') === undefined) return fallback;
  return bytesToString(own(a, 's'), n, `attr.${key}.s`);
}

export function attrInt(n: TfNode, key: string, fallback: number): number {
  const a = attrValue(n, key);
  if (!a || own(a, 'i') === undefined) return fallback;
  return asInt(own(a, 'i'), n.where, `attr.${key}.i`);
}

export function attrFloat(n: TfNode, key: string, fallback: number): number {
  const a = attrValue(n, key);
  if (!a || own(a, 'f') === undefined) return fallback;
  return asFiniteNumber(own(a, 'f'), n.where, `attr.${key}.f`);
}

export function attrBool(n: TfNode, key: string, fallback: boolean): boolean {
  const a = attrValue(n, key);
  if (!a || own(a, 'b') === undefined) return fallback;
  return asBool(own(a, 'b'), n.where, `attr.${key}.b`);
}

export function attrType(n: TfNode, key: string): DataType | undefined {
  const a = attrValue(n, key);
  if (!a || own(a, 'type') === undefined) return undefined;
  const raw = own(a, 'type');
  // Handles (TensorLists, resources) have no element type of their own.
  if (raw === 'DT_VARIANT' || raw === 'DT_RESOURCE' || raw === 21 || raw === 20) return undefined;
  const t = dtypeFromTfEnum(raw);
  if (!t)
    throw formatError(
      `unknown DataType ${JSON.stringify(own(a, 'type'))}`,
      'tfjs/bad-dtype',
      n.where,
      `attr.${key}.type`,
    );
  return t;
}

function attrList(n: TfNode, key: string): JsonObject | undefined {
  const a = attrValue(n, key);
  if (!a || own(a, 'list') === undefined) return undefined;
  return asObject(own(a, 'list'), n.where, `attr.${key}.list`);
}

export function attrInts(n: TfNode, key: string): number[] | undefined {
  const l = attrList(n, key);
  if (!l || own(l, 'i') === undefined) return undefined;
  return asArray(own(l, 'i'), n.where, `attr.${key}.list.i`).map((v, i) =>
    asInt(v, n.where, `attr.${key}.list.i[${i}]`),
  );
}

export function attrStrings(n: TfNode, key: string): string[] | undefined {
  const l = attrList(n, key);
  if (!l || own(l, 's') === undefined) return undefined;
  return asArray(own(l, 's'), n.where, `attr.${key}.list.s`).map((v, i) =>
    bytesToString(v, n, `attr.${key}.list.s[${i}]`),
  );
}

/** A dtype attribute as TF.js computes it (int64 and small ints run as int32, doubles as float32). */
export function attrRunType(n: TfNode, key: string): DataType | undefined {
  const t = attrType(n, key);
  return t === undefined ? undefined : tfjsRunDtype(t);
}

/** A TensorShapeProto attribute: dims (-1 unknown), or undefined for unknown rank / absent. */
export function attrShape(n: TfNode, key: string): (number | null)[] | undefined {
  const a = attrValue(n, key);
  if (!a || own(a, 'shape') === undefined) return undefined;
  return parseTensorShape(own(a, 'shape'), n.where, `attr.${key}.shape`);
}

export function parseTensorShape(v: unknown, where: Where, field: string): (number | null)[] | undefined {
  const s = asObject(v, where, field);
  if (own(s, 'unknownRank') === true) return undefined;
  const dims = own(s, 'dim');
  if (dims === undefined) return [];
  const arr = asArray(dims, where, `${field}.dim`);
  if (arr.length > 32) throw formatError('shape rank above 32', 'tfjs/bad-shape', where, field);
  return arr.map((d, i) => {
    const size = own(asObject(d, where, `${field}.dim[${i}]`), 'size');
    const k = size === undefined ? 0 : asInt(size, where, `${field}.dim[${i}].size`);
    if (k < -1) throw formatError(`dimension ${k}`, 'tfjs/bad-shape', where, `${field}.dim[${i}].size`);
    return k === -1 ? null : k;
  });
}

/** The inline TensorProto of a Const node's `value` attribute (converter output keeps none, but TF does). */
export function attrTensorJson(n: TfNode, key: string): JsonObject | undefined {
  const a = attrValue(n, key);
  if (!a || own(a, 'tensor') === undefined) return undefined;
  return asObject(own(a, 'tensor'), n.where, `attr.${key}.tensor`);
}
