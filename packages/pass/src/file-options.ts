// Options that name a file (a sensitivity.json, a teacher model). Such a field is declared with
// `fileOption()` in the pass's zod schema, so the runner knows every file a pass will read before it
// runs: it resolves the path against the pipeline's folder, confines it to the pipeline's roots,
// protects it from the run's outputs and hashes its content into the step's cache key. The pass
// itself reads it only through `ctx.readFile(path, field)`, never from the file system.
import { z } from 'zod';

/** The schemas declared with fileOption(); looked up by identity when options are walked. */
const fileFields = z.registry<{ file: true }>();

/** A string option that is a path to a file the pass reads (relative to the pipeline's folder). */
export function fileOption(description: string): z.ZodString {
  const schema = z.string().min(1).describe(`${description}; a path relative to the pipeline file's folder`);
  fileFields.add(schema, { file: true });
  return schema;
}

/** One file named in a pass's options. */
export interface OptionFile {
  /** Dotted path of the field within the options, e.g. `sensitivity` or `student.path`. */
  field: string;
  /** The path as written. */
  path: string;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  items?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const join = (prefix: string, key: string | number) => (prefix ? `${prefix}.${key}` : String(key));

function walk(schema: z.ZodType, value: unknown, field: string, out: Map<string, OptionFile>): void {
  if (fileFields.has(schema)) {
    if (typeof value === 'string') out.set(`${field}\0${value}`, { field, path: value });
    return;
  }
  const def = defOf(schema);
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner) {
    walk(inner, value, field, out);
    return;
  }
  switch (def.type) {
    case 'object':
      if (isRecord(value)) for (const [k, s] of Object.entries(def.shape ?? {})) walk(s, value[k], join(field, k), out);
      return;
    case 'union':
      // The value is of one member; walking each finds the marked field wherever it matched.
      for (const s of def.options ?? []) walk(s, value, field, out);
      return;
    case 'intersection':
      if (def.left) walk(def.left, value, field, out);
      if (def.right) walk(def.right, value, field, out);
      return;
    case 'array':
      if (Array.isArray(value) && def.element) value.forEach((v, i) => walk(def.element!, v, join(field, i), out));
      return;
    case 'tuple':
      if (Array.isArray(value)) (def.items ?? []).forEach((s, i) => walk(s, value[i], join(field, i), out));
      return;
    case 'record':
      if (isRecord(value) && def.valueType)
        for (const [k, v] of Object.entries(value)) walk(def.valueType, v, join(field, k), out);
      return;
  }
}

/** Every file named in `options` (parsed by `schema`) through a fileOption() field. */
export function optionFiles(schema: z.ZodType, options: unknown): OptionFile[] {
  const out = new Map<string, OptionFile>();
  walk(schema, options, '', out);
  return [...out.values()];
}
