// quantize-aware-training end to end on the real mnist-8 (trained elsewhere, 0-255 inputs): 3-bit
// per-tensor weights lose accuracy after post-training quantization, a short QAT wins most of it
// back, and the result is the same QDQ graph quantize-static writes, run by onnxruntime and, as a
// full-int8 model, by the TFLite interpreter.
import { opHistogram } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import { exportToTflite, writeTflite } from '@enxuto/tflite';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel } from '../src/calibrate/evaluate.js';
import { quantizeAwareTrainingPass } from '../src/passes/quantize-aware-training.js';
import { quantizeStatic } from '../src/passes/quantize-static.js';
import { calibrationDigits, mnistModel, testDigits } from './mnist-fixtures.js';

const EVAL = 2000;
// ort-web: exact integer arithmetic (ort-node's AVX2 u8s8 kernels saturate int16 pair sums).
const web = getBackend('ort-web');
const node = getBackend('ort-node');
const model = mnistModel();
const test = testDigits(EVAL);
const accuracyOf = async (bytes: Uint8Array, backend = web) =>
  (await evaluateModel(bytes, backend, datasetBatches(model, test))).accuracy;

beforeAll(async () => {
  await initBackend('wasm');
});

describe('quantize-aware-training on mnist-8', () => {
  it('3-bit per-tensor weights: wins back most of what PTQ loses and exports the same QDQ graph', async () => {
    const options = { weightBits: 3, perChannel: false };
    const calibration = () => datasetBatches(model, calibrationDigits(256));
    const float = await accuracyOf(writeOnnxBytes(model));
    const ptq = await quantizeStatic(model, node, calibration(), options);
    const ptqAccuracy = await accuracyOf(writeOnnxBytes(ptq.model));
    // Through the pass, as a pipeline runs it: default options but the two above.
    const ctx = testPassContext({
      data: { calibration: calibrationDigits(256), training: calibrationDigits(2000) },
      runtime: node,
    });
    const qat = await quantizeAwareTrainingPass.run(model, quantizeAwareTrainingPass.options.parse(options), ctx);
    const bytes = writeOnnxBytes(qat.model);
    const qatAccuracy = await accuracyOf(bytes);
    console.log(`float ${float}, PTQ ${ptqAccuracy}, QAT ${qatAccuracy} (${JSON.stringify(qat.stats)})`);
    expect(qat.stats?.['retrained']).toBe(4);
    expect(float - ptqAccuracy).toBeGreaterThan(0.005);
    expect(qatAccuracy - ptqAccuracy).toBeGreaterThan(0.7 * (float - ptqAccuracy));
    // The same graph: op for op, integer weights on the 3-bit grid (codes -3..3).
    expect(opHistogram(qat.model)).toEqual(opHistogram(ptq.model));
    const codes = qat.model.graph
      .initializers()
      .filter((v) => v.const!.dtype === 'int8')
      .flatMap((v) => [...(v.const!.values() as Int8Array)]);
    expect(Math.max(...codes.map(Math.abs))).toBe(3);
    expect(await accuracyOf(bytes, node)).toBeGreaterThan(qatAccuracy - 0.01);
    // Full int8 in the TFLite interpreter, within a point of onnxruntime.
    const interp = TfliteInterpreter.load(writeTflite(exportToTflite(qat.model, { mode: 'int8' })));
    let correct = 0;
    for (let i = 0; i < 500; i++) {
      const s = test.sample(i);
      const y = interp.run([{ data: Float32Array.from(s.input), shape: [1, 1, 28, 28] }])[0]!.data as ArrayLike<number>;
      let k = 0;
      for (let c = 1; c < y.length; c++) if (y[c]! > y[k]!) k = c;
      if (k === s.label) correct++;
    }
    expect(correct / 500).toBeGreaterThan(qatAccuracy - 0.02);
  }, 600_000);
});
