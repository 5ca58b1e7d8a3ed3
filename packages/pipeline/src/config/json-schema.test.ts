import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { scaleWeights } from '../test-passes.js';
import { pipelineJsonSchema } from './json-schema.js';

describe('pipeline JSON Schema', () => {
  it('is generated from the zod schemas and the committed copy is current', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schema/pipeline.schema.json', import.meta.url), 'utf8'));
    // Regenerate with: node --import tsx --conditions=source scripts/generate-schema.ts
    expect(committed).toEqual(pipelineJsonSchema());
  });

  it('describes the top-level fields with defaults and descriptions', () => {
    const s = pipelineJsonSchema() as {
      properties: Record<string, { description?: string; default?: unknown }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(s.required.sort()).toEqual(['input', 'outputs']);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.seed!.default).toBe(0);
    for (const k of ['input', 'passes', 'gates', 'outputs', 'plugins'])
      expect(s.properties[k]!.description, k).toBeTruthy();
  });

  it("gives outputs[i].options each format's write-options schema, chosen by format", () => {
    const s = pipelineJsonSchema() as {
      properties: { outputs: { items: { anyOf: Record<string, unknown>[] } } };
    };
    const entry = s.properties.outputs.items.anyOf.find((a) => a.type === 'object') as {
      properties: { options: { anyOf: unknown[] } };
      allOf: { if: { properties: { format: { const: string } } }; then: { properties: { options: unknown } } }[];
    };
    expect(entry.allOf.map((c) => c.if.properties.format.const).sort()).toEqual(['onnx', 'tfjs', 'tflite']);
    const tflite = entry.allOf.find((c) => c.if.properties.format.const === 'tflite')!.then.properties.options;
    expect(tflite).toMatchObject({
      additionalProperties: false,
      properties: { mode: { enum: ['float32', 'float16', 'dynamic-int8', 'int8'] } },
    });
    expect(entry.properties.options.anyOf).toContainEqual(tflite);
  });

  it('includes each registered pass with its option schema', () => {
    const s = pipelineJsonSchema(createRegistry([scaleWeights])) as {
      properties: { passes: { items: { anyOf: Record<string, unknown>[] } } };
    };
    const [names, scale] = s.properties.passes.items.anyOf as [
      { enum: string[] },
      {
        properties: {
          type: { const: string };
          options: { properties: Record<string, { default: unknown; maximum?: number; description: string }> };
        };
      },
    ];
    expect(names.enum).toEqual(['scale-weights']);
    expect(scale.properties.type.const).toBe('scale-weights');
    expect(scale.properties.options.properties.factor).toMatchObject({
      default: 1,
      maximum: 10,
      description: 'the multiplier',
    });
  });
});
