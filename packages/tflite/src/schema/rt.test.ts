import { readFileSync } from 'node:fs';
import { it, expect } from 'vitest';
import { decodeModel } from './decode.js';
import { verifyModel } from './verify.js';
import { listLayerCases } from '@enxuto/tflite-interpreter';
it('rt', () => {
  const cases = listLayerCases('/work/shared/conformance/tflite-layers');
  const files = [...cases.map(c => c.modelPath), '/work/shared/models/tflite-mnist-lstm/trained_lstm.tflite','/work/shared/models/tflite-mnist-lstm/trained_lstm_int8.tflite'];
  const errs: string[] = [];
  for (const f of files) {
    const bytes = readFileSync(f);
    try { verifyModel(decodeModel(bytes, {file: f}), bytes, {file: f}); } catch (e) { errs.push((e as any).describe?.() ?? String(e)); }
  }
  console.log(errs.slice(0, 10), errs.length);
  expect(errs.length).toBe(0);
});
