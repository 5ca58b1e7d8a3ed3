// Regenerates src/schema/schema.generated.ts from the TFLite schema.fbs in the shared corpus.
// Run from packages/tflite: npx tsx scripts/generate-schema.ts [path/to/schema.fbs]
// The package never reads a .fbs at run time; this script is the only place that parses one.
// It understands the subset of the FlatBuffers IDL that schema.fbs uses (enums, unions, tables,
// vectors, defaults, `deprecated` and `force_align`), and fails loudly on anything else.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FbsEnum {
  name: string;
  underlying: string;
  values: [string, number][];
}
export interface FbsUnion {
  name: string;
  members: string[];
}
export interface FbsField {
  name: string;
  type: string;
  defaultValue?: string;
  deprecated: boolean;
  align?: number;
}
export interface FbsTable {
  name: string;
  fields: FbsField[];
}
export interface FbsSchema {
  enums: FbsEnum[];
  unions: FbsUnion[];
  tables: FbsTable[];
  fileIdentifier: string;
  rootType: string;
}

const SCALARS: Record<string, string> = {
  bool: 'bool',
  byte: 'i8',
  int8: 'i8',
  ubyte: 'u8',
  uint8: 'u8',
  short: 'i16',
  int16: 'i16',
  ushort: 'u16',
  uint16: 'u16',
  int: 'i32',
  int32: 'i32',
  uint: 'u32',
  uint32: 'u32',
  long: 'i64',
  int64: 'i64',
  ulong: 'u64',
  uint64: 'u64',
  float: 'f32',
  float32: 'f32',
  double: 'f64',
  float64: 'f64',
};

function stripComments(text: string): string {
  return text.replace(/\/\/[^\n]*/g, '');
}

function attrs(s: string | undefined): { deprecated: boolean; align?: number } {
  const out: { deprecated: boolean; align?: number } = { deprecated: false };
  if (s === undefined) return out;
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [key, value] = part.split(':').map((p) => p.trim());
    if (key === 'deprecated') out.deprecated = true;
    else if (key === 'force_align') out.align = Number(value);
    else throw new Error(`unsupported attribute ${part}`);
  }
  return out;
}

export function parseFbs(source: string): FbsSchema {
  const text = stripComments(source);
  const schema: FbsSchema = { enums: [], unions: [], tables: [], fileIdentifier: '', rootType: '' };
  const block = /\b(enum|union|table|struct)\s+(\w+)\s*(?::\s*(\w+))?\s*(?:\(([^)]*)\))?\s*\{([^}]*)\}/g;
  for (const m of text.matchAll(block)) {
    const [, kind, name, underlying, , body] = m as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
      string,
    ];
    const items = body
      .split(kind === 'table' ? ';' : ',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (kind === 'struct') throw new Error(`struct ${name} is not supported`);
    if (kind === 'enum') {
      let next = 0;
      const values: [string, number][] = [];
      for (const item of items) {
        const em = /^(\w+)\s*(?:=\s*(-?\d+))?\s*(?:\(([^)]*)\))?$/.exec(item);
        if (em === null) throw new Error(`enum ${name}: cannot parse "${item}"`);
        const value = em[2] !== undefined ? Number(em[2]) : next;
        values.push([em[1]!, value]);
        next = value + 1;
      }
      if (underlying === undefined || SCALARS[underlying] === undefined) throw new Error(`enum ${name}: bad type`);
      schema.enums.push({ name, underlying: SCALARS[underlying]!, values });
    } else if (kind === 'union') {
      // Deprecated members keep their type code, so they stay in the list.
      schema.unions.push({ name, members: items.map((i) => /^(\w+)/.exec(i)![1]!) });
    } else {
      const fields: FbsField[] = [];
      for (const item of items) {
        const fm = /^(\w+)\s*:\s*(\[?\s*\w+\s*\]?)\s*(?:=\s*([\w.-]+))?\s*(?:\(([^)]*)\))?$/.exec(
          item.replace(/\s+/g, ' '),
        );
        if (fm === null) throw new Error(`table ${name}: cannot parse "${item}"`);
        const field: FbsField = { name: fm[1]!, type: fm[2]!.replace(/\s/g, ''), ...attrs(fm[4]) };
        if (fm[3] !== undefined) field.defaultValue = fm[3];
        fields.push(field);
      }
      schema.tables.push({ name, fields });
    }
  }
  schema.fileIdentifier = /file_identifier\s+"(\w+)"/.exec(text)?.[1] ?? '';
  schema.rootType = /root_type\s+(\w+)/.exec(text)?.[1] ?? '';
  return schema;
}

/** The descriptor code for one field type: scalar code, 'str', 'T:Table', 'U:Union', '[...]'. */
function typeCode(schema: FbsSchema, type: string): { code: string; enumName?: string } {
  const vector = type.startsWith('[');
  const inner = vector ? type.slice(1, -1) : type;
  let code: string;
  let enumName: string | undefined;
  if (SCALARS[inner] !== undefined) code = SCALARS[inner]!;
  else if (inner === 'string') code = 'str';
  else if (schema.enums.some((e) => e.name === inner)) {
    enumName = inner;
    code = schema.enums.find((e) => e.name === inner)!.underlying;
  } else if (schema.unions.some((u) => u.name === inner)) {
    if (vector) throw new Error(`vector of union ${inner} is not supported`);
    code = `U:${inner}`;
  } else if (schema.tables.some((t) => t.name === inner)) code = `T:${inner}`;
  else throw new Error(`unknown type ${inner}`);
  return { code: vector ? `[${code}]` : code, ...(enumName !== undefined ? { enumName } : {}) };
}

function defaultOf(
  schema: FbsSchema,
  field: FbsField,
  code: string,
  enumName: string | undefined,
): number | boolean | undefined {
  if (code.startsWith('[') || code === 'str' || code.includes(':')) return undefined;
  const d = field.defaultValue;
  if (code === 'bool') return d === 'true';
  if (d === undefined) return 0;
  if (/^-?\d+(\.\d+)?$/.test(d)) return Number(d);
  const e = schema.enums.find((x) => x.name === enumName);
  const v = e?.values.find(([n]) => n === d);
  if (v === undefined) throw new Error(`field ${field.name}: unknown default ${d}`);
  return v[1];
}

const TS_TYPES: Record<string, string> = {
  bool: 'boolean',
  i8: 'number',
  u8: 'number',
  i16: 'number',
  u16: 'number',
  i32: 'number',
  u32: 'number',
  i64: 'number',
  u64: 'number',
  f32: 'number',
  f64: 'number',
  str: 'string',
};

function tsType(code: string): string {
  if (code === '[u8]') return 'Uint8Array';
  if (code === '[i8]') return 'Int8Array';
  if (code.startsWith('[')) return `${tsType(code.slice(1, -1))}[]`;
  if (code.startsWith('T:')) return `${code.slice(2)}T`;
  if (code.startsWith('U:')) return `${code.slice(2)}T`;
  return TS_TYPES[code]!;
}

export function renderSchemaModule(schema: FbsSchema): string {
  const out: string[] = [];
  out.push(
    '// GENERATED by scripts/generate-schema.ts from the TFLite schema.fbs; do not edit by hand.',
    '//',
    '// Derived from tensorflow/lite/schema/schema.fbs, Copyright 2017 The TensorFlow Authors,',
    '// licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).',
    '// Field descriptors drive the checked decoder (decode.ts) and the encoder (encode.ts): each',
    '// field has its vtable slot, a type code (scalar, str, T:Table, U:Union, [vector]) and default.',
    '',
    "import type { FieldDef } from './field-def.js';",
    '',
    `export const FILE_IDENTIFIER = ${JSON.stringify(schema.fileIdentifier)};`,
    `export const ROOT_TABLE = ${JSON.stringify(schema.rootType)};`,
    '',
  );
  for (const e of schema.enums) {
    out.push(`export const ${e.name} = {`);
    for (const [n, v] of e.values) out.push(`  ${n}: ${v},`);
    out.push('} as const;', '');
  }
  out.push("/** Every enum by name, for lookups driven by a descriptor's `enum`. */");
  out.push(
    `export const ENUMS: Record<string, Readonly<Record<string, number>>> = { ${schema.enums.map((e) => e.name).join(', ')} };`,
    '',
  );
  out.push(
    '/** Union members by type code (0 = NONE). */',
    'export const UNIONS: Record<string, readonly string[]> = {',
  );
  for (const u of schema.unions) out.push(`  ${u.name}: ['NONE', ${u.members.map((m) => `'${m}'`).join(', ')}],`);
  out.push('};', '');
  out.push('export const TABLES: Record<string, readonly FieldDef[]> = {');
  for (const t of schema.tables) {
    out.push(`  ${t.name}: [`);
    let slot = 0;
    for (const f of t.fields) {
      const { code, enumName } = typeCode(schema, f.type);
      const def = defaultOf(schema, f, code, enumName);
      const parts = [`name: '${f.name}'`, `slot: ${slot}`, `type: '${code}'`];
      if (def !== undefined) parts.push(`default: ${def}`);
      if (enumName !== undefined) parts.push(`enum: '${enumName}'`);
      if (f.align !== undefined) parts.push(`align: ${f.align}`);
      if (f.deprecated) parts.push('deprecated: true');
      out.push(`    { ${parts.join(', ')} },`);
      slot += code.startsWith('U:') ? 2 : 1; // a union takes a type slot and a value slot
    }
    out.push('  ],');
  }
  out.push('};', '');
  // Plain-object shapes of decoded tables: scalars always present (default filled in), the rest optional.
  for (const u of schema.unions) {
    out.push(`export type ${u.name}T =`);
    const members = [...new Set(u.members)];
    out.push(`${members.map((m) => `  | { type: '${m}'; value: ${m}T }`).join('\n')};`, '');
  }
  for (const t of schema.tables) {
    const live = t.fields.filter((f) => !f.deprecated);
    if (live.length === 0) {
      out.push(`export type ${t.name}T = Record<string, never>;`, '');
      continue;
    }
    out.push(`export interface ${t.name}T {`);
    for (const f of live) {
      const { code } = typeCode(schema, f.type);
      const scalar = !code.startsWith('[') && code !== 'str' && !code.includes(':');
      out.push(`  ${f.name}${scalar ? '' : '?'}: ${tsType(code)};`);
    }
    out.push('}', '');
  }
  return out.join('\n');
}

const here = dirname(fileURLToPath(import.meta.url));
export const GENERATED_PATH = join(here, '../src/schema/schema.generated.ts');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const shared = resolve(process.env.ENXUTO_SHARED ?? join(here, '../../../../shared'));
  const fbsPath = process.argv[2] ?? join(shared, 'schemas/tflite/schema.fbs');
  writeFileSync(GENERATED_PATH, renderSchemaModule(parseFbs(readFileSync(fbsPath, 'utf8'))));
  console.log(`wrote ${GENERATED_PATH}`);
}
