// Builtin options tables <-> IR node attributes. Attributes keep TFLite's snake_case field names;
// enum fields become the enum member's name ('SAME', 'RELU6'), numbers stay numbers, byte vectors
// become uint8 tensors. The mapping is driven by the generated descriptors, so every options
// table of the schema round-trips without hand-written code per op.
import { attr, tensorFromBytes, UnsupportedError, type Attr, type Node } from '@enxuto/ir';
import type { FieldDef } from '../schema/field-def.js';
import { ENUMS, TABLES, UNIONS } from '../schema/schema.generated.js';

function enumName(enumType: string, value: number): string | undefined {
  const table = ENUMS[enumType];
  if (table === undefined) return undefined;
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return undefined;
}

/** Options fields that cannot be node attributes (nested tables); those options stay raw. */
function isAttributeField(def: FieldDef): boolean {
  return !def.type.includes('T:') && !def.type.startsWith('U:') && def.type !== '[str]';
}

/** True when every field of an options table maps to an attribute. */
export function optionsAreAttributes(table: string): boolean {
  return (TABLES[table] ?? []).every((d) => d.deprecated === true || isAttributeField(d));
}

/** Attributes for the fields of one options table (all fields, defaults included). */
export function optionsToAttributes(table: string, value: Record<string, unknown>): Record<string, Attr> {
  const out: Record<string, Attr> = {};
  for (const def of TABLES[table] ?? []) {
    if (def.deprecated === true) continue;
    const v = value[def.name];
    if (v === undefined) continue;
    const t = def.type;
    if (t === 'str') out[def.name] = attr.string(v as string);
    else if (t === '[u8]' || t === '[i8]') {
      const view = v as Uint8Array | Int8Array;
      out[def.name] = attr.tensor(
        tensorFromBytes(
          t === '[u8]' ? 'uint8' : 'int8',
          [view.length],
          new Uint8Array(view.buffer, view.byteOffset, view.length),
        ),
      );
    } else if (t === '[f32]' || t === '[f64]') out[def.name] = attr.floats([...(v as number[])]);
    else if (t.startsWith('[')) out[def.name] = attr.ints((v as (number | boolean)[]).map((x) => Number(x)));
    else if (t === 'f32' || t === 'f64') out[def.name] = attr.float(v as number);
    else if (def.enum !== undefined && enumName(def.enum, v as number) !== undefined)
      out[def.name] = attr.string(enumName(def.enum, v as number)!);
    else out[def.name] = attr.int(Number(v));
  }
  return out;
}

function unsupported(node: Node, field: string, message: string): never {
  throw new UnsupportedError(message, { code: 'tflite/bad-attribute', node: node.label(), field });
}

/** The options table value for `table` from a node's attributes (missing fields take defaults). */
export function attributesToOptions(table: string, node: Node): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of TABLES[table] ?? []) {
    if (def.deprecated === true || !isAttributeField(def)) continue;
    const a = node.attr(def.name);
    if (a === undefined) continue;
    const t = def.type;
    if (t === 'str') {
      if (a.type !== 'string') unsupported(node, def.name, `attribute ${def.name} must be a string`);
      out[def.name] = a.value;
    } else if (t === '[u8]' || t === '[i8]') {
      if (a.type !== 'tensor') unsupported(node, def.name, `attribute ${def.name} must be a byte tensor`);
      const bytes = a.value.bytes();
      out[def.name] = t === '[u8]' ? bytes : new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    } else if (t.startsWith('[')) {
      if (a.type !== 'ints' && a.type !== 'floats') unsupported(node, def.name, `attribute ${def.name} must be a list`);
      out[def.name] = t === '[bool]' ? a.value.map((x) => Number(x) !== 0) : a.value.map((x) => Number(x));
    } else if (a.type === 'string' && def.enum !== undefined) {
      const code = ENUMS[def.enum]?.[a.value];
      if (code === undefined) unsupported(node, def.name, `${a.value} is not a ${def.enum}`);
      out[def.name] = code;
    } else if (a.type === 'int' || a.type === 'float') {
      out[def.name] = t === 'bool' ? Number(a.value) !== 0 : Number(a.value);
    } else {
      unsupported(node, def.name, `attribute ${def.name} has type ${a.type}, expected a number`);
    }
  }
  return out;
}

/** Options tables whose name does not follow from the op name. */
const SPECIAL_OPTIONS: Record<string, string> = {
  AVERAGE_POOL_2D: 'Pool2DOptions',
  MAX_POOL_2D: 'Pool2DOptions',
  L2_POOL_2D: 'Pool2DOptions',
  MEAN: 'ReducerOptions',
  SUM: 'ReducerOptions',
  REDUCE_PROD: 'ReducerOptions',
  REDUCE_MAX: 'ReducerOptions',
  REDUCE_MIN: 'ReducerOptions',
  REDUCE_ANY: 'ReducerOptions',
  REDUCE_ALL: 'ReducerOptions',
  MAXIMUM: 'MaximumMinimumOptions',
  MINIMUM: 'MaximumMinimumOptions',
  UNIDIRECTIONAL_SEQUENCE_RNN: 'SequenceRNNOptions',
  L2_NORMALIZATION: 'L2NormOptions',
  CONV_3D_TRANSPOSE: 'Conv3DOptions',
  RANDOM_STANDARD_NORMAL: 'RandomOptions',
  RANDOM_UNIFORM: 'RandomOptions',
  MULTINOMIAL: 'RandomOptions',
};

const normalize = (s: string): string => s.toLowerCase().replace(/_/g, '');

const BY_NORMALIZED = new Map<string, { union: 'builtin_options' | 'builtin_options_2'; table: string }>();
for (const [field, union] of [
  ['builtin_options', 'BuiltinOptions'],
  ['builtin_options_2', 'BuiltinOptions2'],
] as const) {
  for (const table of UNIONS[union]!.slice(1))
    BY_NORMALIZED.set(normalize(table.slice(0, -'Options'.length)), { union: field, table });
}

/** The options union field and table conventionally used by a builtin op, if it has one. */
export function defaultOptionsFor(
  opName: string,
): { union: 'builtin_options' | 'builtin_options_2'; table: string } | undefined {
  const special = SPECIAL_OPTIONS[opName];
  if (special !== undefined) return { union: 'builtin_options', table: special };
  return BY_NORMALIZED.get(normalize(opName));
}
