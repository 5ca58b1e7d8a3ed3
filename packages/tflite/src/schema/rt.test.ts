import { readFileSync } from 'node:fs';
import { it, expect } from 'vitest';
import { decodeModel } from './decode.js';
import { encodeModel } from './encode.js';
import { TfliteInterpreter, listLayerCases, countMismatches } from '@enxuto/tflite-interpreter';
it('rt', () => {
  const cases = listLayerCases('/work/shared/conformance/tflite-layers');
  let ok = 0; const bad: string[] = [];
  for (const c of cases) {
    const bytes = readFileSync(c.modelPath);
    const m = decodeModel(bytes);
    const out = encodeModel(m);
    const m2 = decodeModel(out);
    const o = TfliteInterpreter.load(out).run(c.inputs.map(t => ({data: t.data})));
    if (countMismatches(o[0]!.data as any, c.golden.data) === 0) ok++; else bad.push(c.id);
  }
  console.log('ok', ok, bad);
  for (const f of ['trained_lstm.tflite','trained_lstm_int8.tflite']) {
    const bytes = readFileSync('/work/shared/models/tflite-mnist-lstm/'+f);
    const m = decodeModel(bytes);
    console.log(f, bytes.length, m.version, m.subgraphs?.length, m.subgraphs?.[0]?.operators?.length, m.operator_codes?.map(o=>o.builtin_code+':'+o.deprecated_builtin_code), m.signature_defs?.length, m.metadata?.map(x=>x.name), m.buffers?.length);
    const out = encodeModel(m);
    console.log('re', out.length);
  }
  expect(ok).toBe(127);
});
