// The JSON Schema of pipeline files, generated from the zod schemas. With a registry, each pass's
// options schema is included, so editors complete and check options per pass.
import { BUILTIN_FORMATS } from '@enxuto/formats';
import { z } from 'zod';
import type { PassRegistry } from '../registry.js';
import type { PassDefinition } from '@enxuto/pass';
import { pipelineSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

export const PIPELINE_SCHEMA_ID = 'https://enxuto.dev/schemas/pipeline.schema.json';

/** The JSON Schema of one pass's options (input side: defaults are optional). */
export function passOptionsJsonSchema(def: PassDefinition): JsonSchema {
  return toJsonSchema(def.options);
}

function toJsonSchema(s: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * `outputs[i].options` from the format table: the named format's schema when `format` is given,
 * else any format's (the path decides, which JSON Schema cannot see).
 */
function addFormatOptions(schema: JsonSchema): void {
  const outputs = (schema.properties as Record<string, JsonSchema>).outputs!;
  const entry = (outputs.items as { anyOf: JsonSchema[] }).anyOf.find((s) => s.type === 'object')!;
  const props = entry.properties as Record<string, JsonSchema>;
  const formats = BUILTIN_FORMATS.map((f) => ({ name: f.name, options: toJsonSchema(f.writeOptions) }));
  props.options = { description: props.options!.description, anyOf: formats.map((f) => f.options) };
  entry.allOf = formats.map((f) => ({
    if: { properties: { format: { const: f.name } }, required: ['format'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
    then: { properties: { options: f.options } },
  }));
}

export function pipelineJsonSchema(registry?: PassRegistry): JsonSchema {
  const schema = z.toJSONSchema(pipelineSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  schema.$id = PIPELINE_SCHEMA_ID;
  schema.title = 'enxuto pipeline';
  addFormatOptions(schema);
  if (registry) {
    const passes = registry.list().map((r) => r.definition);
    const props = schema.properties as Record<string, JsonSchema>;
    props.passes = {
      ...props.passes,
      items: {
        description: 'a pass: its name, or { type, options }',
        anyOf: [
          { type: 'string', enum: passes.map((p) => p.name), description: 'a pass name, run with its default options' },
          ...passes.map((p) => ({
            type: 'object',
            description: p.summary,
            properties: { type: { const: p.name }, options: passOptionsJsonSchema(p) },
            required: ['type'],
            additionalProperties: false,
          })),
        ],
      },
    };
  }
  return schema;
}
