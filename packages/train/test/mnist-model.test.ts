// The real pre-trained ONNX MNIST CNN (opset 8) runs through the TF.js runtime at its published
// accuracy, and fine-tuning it on wasm (custom conv gradients) keeps it there.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { readOnnx } from '@enxuto/onnx';
import { hasShared, sharedPath } from '@enxuto/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayBatches, compileGraph, initBackend, train } from '../src/node.js';
import { mnistSlice } from './mnist.js';
import type { Model } from '@enxuto/ir';

/** The first `count` digits of the official MNIST test set (evaluation only), as 0-255 pixels. */
function mnistTest(count: number): { input: Float32Array; labels: Int32Array } {
  const images = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')));
  return {
    input: Float32Array.from(images.subarray(16, 16 + count * 784)),
    labels: Int32Array.from(labels.subarray(8, 8 + count)),
  };
}

function accuracy(model: Model, data: { input: Float32Array; labels: Int32Array }): number {
  const exe = compileGraph(model, { batchFromInput: true });
  const n = data.labels.length;
  const input = exe.inputNames[0]!;
  const out = exe.run({ [input]: tf.tensor(data.input, [n, 1, 28, 28]) });
  const logits = Object.values(out)[0]!;
  const pred = logits.reshape([n, -1]).argMax(1).dataSync();
  logits.dispose();
  exe.dispose();
  let ok = 0;
  data.labels.forEach((l, i) => (ok += pred[i] === l ? 1 : 0));
  return ok / n;
}

describe.runIf(hasShared())('onnx-mnist-8 on the TF.js runtime', () => {
  let model: Model;
  const test = hasShared() ? mnistTest(1000) : { input: new Float32Array(0), labels: new Int32Array(0) };

  beforeAll(async () => {
    await initBackend('wasm');
    model = readOnnx(new Uint8Array(readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'))));
  });

  it('classifies 1,000 MNIST test digits at >= 97 % (98.91 % published on all 10,000)', () => {
    const acc = accuracy(model, test);
    console.log(`onnx-mnist-8 on 1,000 test digits: ${(acc * 100).toFixed(1)} %`);
    expect(acc).toBeGreaterThanOrEqual(0.97);
  });

  it('keeps strict ONNX Reshape semantics unless batchFromInput is set', () => {
    const exe = compileGraph(model);
    expect(() => exe.run({ [exe.inputNames[0]!]: tf.zeros([2, 1, 28, 28]) })).toThrow(/cannot reshape \[2,16,4,4\]/);
    exe.dispose();
  });

  it('fine-tunes one epoch on 1,000 training digits and stays >= 97 %', async () => {
    const tr = mnistSlice(0, 100);
    const pixels = tr.input.map((v) => v * 255);
    const result = await train(model, {
      data: arrayBatches(pixels, [1, 28, 28], tr.labels),
      epochs: 1,
      batchSize: 32,
      lr: 1e-4,
      optimizer: { type: 'adam' },
    });
    expect(result.history[0]!.accuracy).toBeGreaterThanOrEqual(0.9);
    const acc = accuracy(model, test);
    console.log(
      `after fine-tuning: ${(acc * 100).toFixed(1)} % (train accuracy ${(result.history[0]!.accuracy! * 100).toFixed(1)} %)`,
    );
    expect(acc).toBeGreaterThanOrEqual(0.97);
  });
});
