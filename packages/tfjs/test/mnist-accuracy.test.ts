// The shared TF.js models convert to ONNX and back (tfjs -> IR -> ONNX -> IR -> tfjs) and keep their
// MNIST accuracy on the 10,000 official test digits, as measured by TF.js running the result.
import { concatBytes } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfjs, writeTfjs } from '../src/index.js';
import { readTfjsModel } from '../src/node.js';
import { accuracy, loadMnistTest, type Mnist } from './helpers/mnist.js';
import { ortSession, runOrt } from './helpers/ort.js';
import { loadGraph, memoryHandler, runGraph } from '@enxuto/test-support/tfjs';

let data: Mnist;
beforeAll(() => {
  data = loadMnistTest();
});

// Both models were trained on pixels scaled to [0, 1].
const MODELS = [
  { name: 'tfjs-mnist-layers', expected: 0.9863, input: 'reshape_input', output: 'softmax', shape: [28, 28] },
  { name: 'tfjs-mnist-graph', expected: 0.9636, input: 'MyInput', output: 'MySoftMax', shape: [28, 28, 1] },
];

describe('MNIST accuracy through tfjs -> IR -> ONNX -> IR -> tfjs', () => {
  for (const m of MODELS) {
    it(`${m.name} keeps ${(m.expected * 100).toFixed(2)} %`, async () => {
      const ir = readTfjsModel(sharedPath('models', m.name, 'model.json'));
      const onnxBytes = writeOnnxBytes(ir);
      // The ONNX leg, in onnxruntime.
      const session = await ortSession(readOnnx(onnxBytes));
      const viaOrt = await accuracy(data, 1 / 255, (x, n) => runOrt(session, m.input, x, [n, ...m.shape], m.output));
      expect(viaOrt.accuracy).toBe(m.expected);
      // Back to TF.js, run by TF.js.
      const { modelJson, shards } = writeTfjs(readOnnx(onnxBytes));
      const tfm = await loadGraph(memoryHandler(modelJson, shards));
      const viaTfjs = await accuracy(data, 1 / 255, (x, n) => runGraph(tfm, x, [n, ...m.shape], [m.output])[0]!);
      expect(viaTfjs.accuracy).toBe(m.expected);
      let same = 0;
      for (let i = 0; i < data.count; i++) if (viaTfjs.predictions[i] === viaOrt.predictions[i]) same++;
      expect(same).toBe(data.count);
    });
  }

  it('uint8 weight quantization costs the layers model at most 0.2 points', async () => {
    const m = MODELS[0]!;
    const { modelJson, shards } = writeTfjs(readTfjsModel(sharedPath('models', m.name, 'model.json')), {
      quantize: 'uint8',
    });
    expect(shards[0]!.byteLength).toBeLessThan(50_000);
    const tfm = await loadGraph(memoryHandler(modelJson, shards));
    const q = await accuracy(data, 1 / 255, (x, n) => runGraph(tfm, x, [n, ...m.shape], [m.output])[0]!);
    expect(q.accuracy).toBeGreaterThanOrEqual(m.expected - 0.002);
    // And the IR read back from the quantized files agrees with TF.js on every digit.
    const session = await ortSession(readTfjs(modelJson, concatBytes(shards)));
    const viaOrt = await accuracy(data, 1 / 255, (x, n) => runOrt(session, m.input, x, [n, ...m.shape], m.output));
    expect(viaOrt.accuracy).toBeCloseTo(q.accuracy, 3);
  });
});
