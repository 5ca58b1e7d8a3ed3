// The real MNIST LSTM models (float and upstream int8): read, written back and run in the TFLite
// interpreter on the 10,000 official test digits. The written copies must give the same outputs
// as the originals, bit for bit, and so keep the published accuracy.
import { readFileSync } from 'node:fs';
import { checkModel } from '@enxuto/ir';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { loadMnistTest } from '../test/mnist-idx.js';
import { readTflite } from './read.js';
import { writeTflite } from './write.js';

const mnist = loadMnistTest();

/** Runs every digit; pixels are scaled to [0, 1] and, for an int8 input, quantized with its params. */
function evaluate(
  bytes: Uint8Array,
  inputQuant?: { scale: number; zeroPoint: number },
): { accuracy: number; outputs: (Float32Array | Int8Array)[] } {
  const interp = TfliteInterpreter.load(bytes);
  const outputs: (Float32Array | Int8Array)[] = [];
  let correct = 0;
  const pixels = inputQuant === undefined ? new Float32Array(784) : new Int8Array(784);
  for (let i = 0; i < mnist.count; i++) {
    for (let p = 0; p < 784; p++) {
      const x = mnist.images[i * 784 + p]! / 255;
      pixels[p] =
        inputQuant === undefined
          ? x
          : Math.max(-128, Math.min(127, Math.round(x / inputQuant.scale) + inputQuant.zeroPoint));
    }
    const out = interp.run([{ data: pixels, shape: [1, 28, 28] }])[0]!.data as Float32Array | Int8Array;
    outputs.push(out);
    let best = 0;
    for (let k = 1; k < 10; k++) if (out[k]! > out[best]!) best = k;
    if (best === mnist.labels[i]) correct++;
  }
  return { accuracy: correct / mnist.count, outputs };
}

function sameOutputs(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let differing = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let k = 0; k < x.length; k++)
      if (!Object.is(x[k], y[k])) {
        differing++;
        break;
      }
  });
  return differing;
}

describe('MNIST LSTM models through read -> write', () => {
  it('float: the written copy keeps 92.05 % and every output bit for bit', () => {
    const original = readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite'));
    const model = readTflite(original, { file: 'trained_lstm.tflite' });
    checkModel(model);
    expect(model.graph.nodes.map((n) => n.opType)).toEqual([
      'UNIDIRECTIONAL_SEQUENCE_LSTM',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    const written = writeTflite(model);
    const before = evaluate(original);
    const after = evaluate(written);
    expect(before.accuracy).toBeCloseTo(0.9205, 4);
    expect(after.accuracy).toBeCloseTo(0.9205, 4);
    expect(sameOutputs(after.outputs, before.outputs)).toBe(0);
  });

  it('int8: the written copy keeps 91.90 %, its quantization and every output bit for bit', () => {
    const original = readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite'));
    const model = readTflite(original, { file: 'trained_lstm_int8.tflite' });
    checkModel(model);
    const input = model.graph.inputs[0]!;
    expect(input.dtype).toBe('int8');
    expect(input.quant?.zeroPoint[0]).toBe(-128);
    const q = { scale: input.quant!.scale[0]!, zeroPoint: input.quant!.zeroPoint[0]! };
    const written = writeTflite(model);
    const reread = readTflite(written);
    expect(reread.graph.inputs[0]!.quant?.scale[0]).toBe(q.scale);
    const before = evaluate(original, q);
    const after = evaluate(written, q);
    expect(before.accuracy).toBeCloseTo(0.919, 4);
    expect(after.accuracy).toBeCloseTo(0.919, 4);
    expect(sameOutputs(after.outputs, before.outputs)).toBe(0);
  }, 180_000); // 1,000 sequences through the interpreter twice: over 60 s on a loaded machine
});
