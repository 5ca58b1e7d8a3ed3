// TFLite -> ONNX lowering, checked by running the ONNX result in onnxruntime against the TFLite
// goldens and the real TFLite interpreter.
import { readFileSync } from 'node:fs';
import { checkModel, UnsupportedError, type Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { listLayerCases, TfliteInterpreter, type CsvTensor } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadMnistTest } from '../../test/mnist-idx.js';
import { readTflite } from '../read.js';
import { writeTflite } from '../write.js';
import { lowerTfliteToOnnx } from './to-onnx.js';

ort.env.logLevel = 'error';

const ARRAYS = { int16: Int16Array, int32: Int32Array } as const;

async function runOnnx(model: Model, inputs: CsvTensor[]): Promise<number[]> {
  const lowered = lowerTfliteToOnnx(model);
  checkModel(lowered);
  expect(lowered.graph.nodes.every((n) => n.domain === '')).toBe(true);
  const session = await ort.InferenceSession.create(writeOnnxBytes(lowered));
  const feeds: Record<string, ort.Tensor> = {};
  lowered.graph.inputs.forEach((v, i) => {
    const t = inputs[i]!;
    feeds[v.name] = new ort.Tensor(t.dtype as 'int16', ARRAYS[t.dtype as 'int16'].from(t.data), v.shape as number[]);
  });
  const out = await session.run(feeds);
  return Array.from(out[lowered.graph.outputs[0]!.name]!.data as Int16Array, Number);
}

function maxDiff(a: readonly number[], b: ArrayLike<number>): number {
  let d = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const cases = listLayerCases(sharedPath('conformance', 'tflite-layers'));

describe('lowerTfliteToOnnx', () => {
  it('int16 layer models become QDQ ONNX models within 1 LSB of the TFLite goldens', async () => {
    const checked = cases.filter((c) => !c.id.startsWith('transpose_conv/'));
    expect(checked).toHaveLength(122);
    const far: string[] = [];
    for (const c of checked) {
      const y = await runOnnx(readTflite(readFileSync(c.modelPath)), c.inputs);
      if (maxDiff(y, c.golden.data) > 1) far.push(`${c.id}: ${maxDiff(y, c.golden.data)}`);
    }
    expect(far).toEqual([]);
  });

  it('TRANSPOSE_CONV lowers to ConvTranspose within 1 LSB of the TFLite interpreter', async () => {
    // These models' int64 biases overflow TFLite's integer accumulator (their goldens depend on
    // the wrap-around), so the geometry is checked without the bias, against the interpreter.
    for (const c of cases.filter((x) => x.id.startsWith('transpose_conv/'))) {
      const model = readTflite(readFileSync(c.modelPath));
      const node = model.graph.nodes[0]!;
      model.graph.setInput(node, 3, null);
      const reference = TfliteInterpreter.load(writeTflite(model)).run(c.inputs.map((t) => ({ data: t.data })))[0]!
        .data as Int16Array;
      const y = await runOnnx(model, c.inputs);
      expect(maxDiff(y, reference), c.id).toBeLessThanOrEqual(1);
    }
  });

  it('the float MNIST LSTM lowers to an ONNX LSTM that agrees with TFLite', async () => {
    const bytes = readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite'));
    const lowered = lowerTfliteToOnnx(readTflite(bytes));
    expect(lowered.graph.nodes.map((n) => n.opType)).toContain('LSTM');
    const session = await ort.InferenceSession.create(writeOnnxBytes(lowered));
    const mnist = loadMnistTest();
    let worst = 0;
    let sameClass = 0;
    const argmax = (a: ArrayLike<number>) => Array.from(a).indexOf(Math.max(...Array.from(a)));
    for (let i = 0; i < 50; i++) {
      const px = Float32Array.from(mnist.images.subarray(i * 784, (i + 1) * 784), (p) => p / 255);
      // A fresh interpreter per digit: TFLite keeps LSTM state across runs, ONNX starts from zeros.
      const ref = TfliteInterpreter.load(bytes).run([{ data: px }])[0]!.data as Float32Array;
      const out = await session.run({ [lowered.graph.inputs[0]!.name]: new ort.Tensor('float32', px, [1, 28, 28]) });
      const y = out[lowered.graph.outputs[0]!.name]!.data as Float32Array;
      worst = Math.max(worst, maxDiff(Array.from(y), ref));
      if (argmax(y) === argmax(ref)) sameClass++;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(sameClass).toBe(50);
  });

  it('refuses what has no ONNX form, naming the node', () => {
    const int8 = readTflite(readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite')));
    expect(() => lowerTfliteToOnnx(int8)).toThrow(UnsupportedError);
    expect(() => lowerTfliteToOnnx(int8)).toThrow(/integer \(quantized\) LSTM/);
    const model = readTflite(readFileSync(cases[0]!.modelPath));
    model.graph.nodes[0]!.opType = 'HASHTABLE_LOOKUP';
    expect(() => lowerTfliteToOnnx(model)).toThrow(
      expect.objectContaining({ code: 'tflite/lower-unsupported', field: 'opType' }),
    );
  });
});
