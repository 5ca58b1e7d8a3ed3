// Reading untrusted model.json content: every field is checked for its type before use, keys are
// read as own properties only (so `__proto__` or `constructor` in a file never reaches a prototype),
// and nesting depth is bounded before anything walks the tree.
import { describeJsonError } from '@enxuto/io';
import { FormatError } from '@enxuto/ir';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Deepest nesting a model.json may have (real files stay under 20). */
export const MAX_JSON_DEPTH = 64;
/** Largest model.json text accepted (topologies of big models are a few MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export interface Where {
  file?: string;
  node?: string;
  value?: string;
}

export function formatError(message: string, code: string, where: Where, field?: string): FormatError {
  return new FormatError(message, {
    code,
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.node !== undefined ? { node: where.node } : {}),
    ...(where.value !== undefined ? { value: where.value } : {}),
    ...(field !== undefined ? { field } : {}),
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** model.json bytes as text; bytes that are not UTF-8 are refused (names would turn into U+FFFD). */
export function decodeModelJson(bytes: Uint8Array, file?: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (e) {
    throw new FormatError('model.json is not valid UTF-8', {
      code: 'tfjs/bad-utf8',
      cause: e,
      ...(file !== undefined ? { file } : {}),
    });
  }
}

/** JSON.parse with a size limit and a depth check; errors are FormatErrors naming the file. */
export function parseModelJson(text: string, file?: string): JsonObject {
  const where = file !== undefined ? { file } : {};
  if (text.length > MAX_JSON_BYTES)
    throw formatError(`model.json is larger than ${MAX_JSON_BYTES} bytes`, 'tfjs/too-large', where);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // The text is not quoted back: the file may not be a model.json at all.
    const { message, offset } = describeJsonError(e);
    throw new FormatError(`model.json is not valid JSON: ${message}`, {
      code: 'tfjs/bad-json',
      cause: e,
      ...(offset !== undefined ? { offset } : {}),
      ...where,
    });
  }
  checkDepth(parsed, where);
  return asObject(parsed, where, '(root)');
}

/** Iterative depth check, so a hostile nesting cannot overflow the stack of later recursive code. */
export function checkDepth(root: unknown, where: Where): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= MAX_JSON_DEPTH) throw formatError(`JSON nesting deeper than ${MAX_JSON_DEPTH}`, 'tfjs/too-deep', where);
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
}

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An own property (never an inherited one such as `constructor`). */
export function own(obj: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function asObject(v: unknown, where: Where, field: string): JsonObject {
  if (!isObject(v)) throw formatError(`${field} must be an object`, 'tfjs/bad-field', where, field);
  return v;
}

export function asArray(v: unknown, where: Where, field: string): Json[] {
  if (!Array.isArray(v)) throw formatError(`${field} must be an array`, 'tfjs/bad-field', where, field);
  return v as Json[];
}

export function asString(v: unknown, where: Where, field: string): string {
  if (typeof v !== 'string') throw formatError(`${field} must be a string`, 'tfjs/bad-field', where, field);
  return v;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A node, layer or weight name: a non-empty string with no lone surrogate (a `\ud800` escape in
 * the JSON), which no UTF-8 file could carry: an empty or unwritable name is refused, never read
 * as "absent" or written as U+FFFD.
 */
export function asName(v: unknown, where: Where, field: string): string {
  const name = asString(v, where, field);
  if (name.length === 0) throw formatError(`${field} is empty`, 'tfjs/bad-name', where, field);
  if (LONE_SURROGATE.test(name))
    throw formatError(`${field} is not valid Unicode (a lone surrogate)`, 'tfjs/bad-name', where, field);
  return name;
}

export function asFiniteNumber(v: unknown, where: Where, field: string): number {
  const n = typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw formatError(`${field} must be a finite number`, 'tfjs/bad-field', where, field);
  }
  return n;
}

/** An integer, given as a number or (GraphDef int64 style) a decimal string. */
export function asInt(v: unknown, where: Where, field: string): number {
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw formatError(`${field} must be an integer`, 'tfjs/bad-field', where, field);
  }
  return n;
}

export function asBool(v: unknown, where: Where, field: string): boolean {
  if (typeof v !== 'boolean') throw formatError(`${field} must be true or false`, 'tfjs/bad-field', where, field);
  return v;
}

/** A tensor shape: non-negative integers (or -1 / null for an unknown dimension when allowed). */
export function asShape(v: unknown, where: Where, field: string, allowUnknown = false): number[] {
  const arr = asArray(v, where, field);
  if (arr.length > 32)
    throw formatError(`${field} has rank ${arr.length} (more than 32)`, 'tfjs/bad-shape', where, field);
  return arr.map((d, i) => {
    if (allowUnknown && (d === null || d === -1)) return -1;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw formatError(`${field}[${i}] is ${JSON.stringify(d)}, not a dimension`, 'tfjs/bad-shape', where, field);
    }
    return d;
  });
}
