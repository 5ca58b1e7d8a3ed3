// The 127 TFLite Micro single-layer models: read into the IR, written back, and run in the real
// TFLite interpreter: the written copy must give the golden outputs bit-exactly.
import { readFileSync } from 'node:fs';
import { checkModel } from '@enxuto/ir';
import { countMismatches, listLayerCases, TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { readTflite } from './read.js';
import { writeTflite } from './write.js';

const cases = listLayerCases(sharedPath('conformance', 'tflite-layers'));

describe('tflite-layers conformance (read -> write -> run)', () => {
  it('covers all 127 models', () => {
    expect(cases).toHaveLength(127);
  });

  it('reads every model into a valid IR model of tflite-domain nodes', () => {
    const ops = new Set<string>();
    for (const c of cases) {
      const model = readTflite(readFileSync(c.modelPath), { file: c.modelPath });
      checkModel(model);
      for (const n of model.graph.nodes) {
        expect(n.domain).toBe('tflite');
        ops.add(n.opType);
      }
      expect(model.graph.inputs).toHaveLength(c.inputs.length);
    }
    expect([...ops].sort()).toEqual([
      'ADD',
      'CONV_2D',
      'LEAKY_RELU',
      'PAD',
      'QUANTIZE',
      'STRIDED_SLICE',
      'SUB',
      'TRANSPOSE_CONV',
    ]);
  });

  it('writes copies that give the golden outputs bit-exactly', () => {
    const failed: string[] = [];
    let bitExact = 0;
    for (const c of cases) {
      const written = writeTflite(readTflite(readFileSync(c.modelPath), { file: c.modelPath }));
      const [out] = TfliteInterpreter.load(written).run(c.inputs.map((t) => ({ data: t.data, dtype: t.dtype })));
      if (out !== undefined && out.dtype === c.golden.dtype && countMismatches(out.data, c.golden.data) === 0)
        bitExact++;
      else failed.push(c.id);
    }
    expect(failed).toEqual([]);
    expect(bitExact).toBe(127);
  });

  it('reaches a fixed point: reading the written copy and writing again gives the same bytes', () => {
    for (const c of cases.slice(0, 20)) {
      const once = writeTflite(readTflite(readFileSync(c.modelPath)));
      const twice = writeTflite(readTflite(once));
      expect(Buffer.from(twice).equals(Buffer.from(once)), c.id).toBe(true);
    }
  });
});
