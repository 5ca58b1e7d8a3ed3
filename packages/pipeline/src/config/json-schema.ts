// The JSON Schema of pipeline files, generated from the zod schemas. With a registry, each pass's
// options schema is included, so editors complete and check options per pass.
import { z } from 'zod';
import type { PassRegistry } from '../registry.js';
import type { PassDefinition } from '@enxuto/pass';
import { pipelineSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

export const PIPELINE_SCHEMA_ID = 'https://enxuto.dev/schemas/pipeline.schema.json';

/** The JSON Schema of one pass's options (input side: defaults are optional). */
export function passOptionsJsonSchema(def: PassDefinition): JsonSchema {
  const s = z.toJSONSchema(def.options, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

export function pipelineJsonSchema(registry?: PassRegistry): JsonSchema {
  const schema = z.toJSONSchema(pipelineSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  schema.$id = PIPELINE_SCHEMA_ID;
  schema.title = 'enxuto pipeline';
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
