import { readFileSync } from 'node:fs';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { TfliteInterpreter, interpreterAvailable, interpreterUnavailableReason } from './interpreter.js';
import { countMismatches, listLayerCases } from './layer-cases.js';

describe('native TFLite interpreter', () => {
  it('is built (else: npm rebuild tfjs-tflite-node)', () => {
    expect(interpreterAvailable(), interpreterUnavailableReason()).toBe(true);
  });

  const cases = listLayerCases(sharedPath('conformance', 'tflite-layers'));

  it('finds all 127 single-layer cases, each with inputs and a golden output', () => {
    expect(cases).toHaveLength(127);
    for (const c of cases) {
      expect(c.inputs.length, c.id).toBeGreaterThan(0);
      expect(c.golden.data.length, c.id).toBeGreaterThan(0);
    }
  });

  it('reproduces every golden output bit-exactly from the original models', () => {
    const failed: string[] = [];
    for (const c of cases) {
      const interp = TfliteInterpreter.load(readFileSync(c.modelPath));
      const [out] = interp.run(c.inputs.map((t) => ({ data: t.data, dtype: t.dtype })));
      if (out === undefined || out.dtype !== c.golden.dtype || countMismatches(out.data, c.golden.data) !== 0) {
        failed.push(c.id);
      }
    }
    expect(failed).toEqual([]);
  });

  it('rejects inputs of the wrong dtype, count or length', () => {
    const c = cases.find((x) => x.id === 'add/add0')!;
    const interp = TfliteInterpreter.load(readFileSync(c.modelPath));
    expect(interp.inputs.map((s) => s.dtype)).toEqual(['int16', 'int16']);
    expect(() => interp.run([{ data: c.inputs[0]!.data }])).toThrow(/2 inputs/);
    expect(() => interp.run(c.inputs.map((t) => ({ data: t.data, dtype: 'float32' })))).toThrow(/expects int16/);
    expect(() => interp.run(c.inputs.map((t) => ({ data: t.data.slice(1) })))).toThrow(/expects 320 values/);
  });

  it('throws (not crashes) on bytes that are not a model', () => {
    expect(() => TfliteInterpreter.load(new Uint8Array(64))).toThrow();
  });
});
