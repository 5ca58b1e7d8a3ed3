import { readFileSync } from 'node:fs';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, parseFbs, renderSchemaModule } from '../../scripts/generate-schema.js';
import { BuiltinOperator, TABLES, UNIONS } from './schema.generated.js';

describe('schema.generated.ts', () => {
  it('is exactly what the generator makes from the shared schema.fbs', () => {
    const fbs = readFileSync(sharedPath('schemas', 'tflite', 'schema.fbs'), 'utf8');
    expect(renderSchemaModule(parseFbs(fbs))).toBe(readFileSync(GENERATED_PATH, 'utf8'));
  });

  it('numbers vtable slots as flatc does (a union takes two, deprecated fields keep theirs)', () => {
    const op = Object.fromEntries(TABLES['Operator']!.map((f) => [f.name, f.slot]));
    expect(op['builtin_options']).toBe(3);
    expect(op['custom_options']).toBe(5);
    expect(op['debug_metadata_index']).toBe(13);
    const sig = TABLES['SignatureDef']!.find((f) => f.name === 'subgraph_index')!;
    expect(sig.slot).toBe(4);
    expect(UNIONS['BuiltinOptions']![1]).toBe('Conv2DOptions');
    expect(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM).toBe(44);
  });

  it('rejects IDL it does not understand instead of guessing', () => {
    expect(() => parseFbs('struct Vec3 { x: float; }')).toThrow(/struct/);
    expect(() => renderSchemaModule(parseFbs('table T { a: Mystery; }'))).toThrow(/unknown type Mystery/);
  });
});
