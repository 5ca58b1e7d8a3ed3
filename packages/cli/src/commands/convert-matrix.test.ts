// `enxuto convert` across the 3x3 format matrix on the shared models, each written model run in
// the real runtime of its format (onnxruntime-node, TF.js cpu `loadGraphModel`, the TFLite
// interpreter) on real MNIST test digits and compared with the source model run in its own runtime.
// Cells that cannot convert are listed in EXPECTED_UNSUPPORTED with the reason; they must fail with
// a typed UnsupportedError, never half-write a model.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModel, writeModel } from '@enxuto/formats/node';
import { UnsupportedError } from '@enxuto/ir';
import { openDataset } from '@enxuto/pipeline/node';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { runTflite } from '@enxuto/tflite-interpreter';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { folderHandler } from '@enxuto/test-support/tfjs';

type Target = 'onnx' | 'tfjs' | 'tflite';

interface Source {
  name: string;
  path: () => string;
  /** Model input for one 28x28 digit with pixels in [0, 1]. */
  shape: number[];
  pixelScale: number;
  /** The output compared (the prediction; the layers model also outputs every layer). */
  output: string;
  reference: (x: Float32Array) => Promise<Float32Array>;
}

/** Largest |written - source| over the outputs, relative to max(1, max |source|). */
const TOLERANCE = 1e-4;
const DIGITS = 4;

/** Cells that must fail with UnsupportedError, and why. */
const EXPECTED_UNSUPPORTED: Record<string, { message: RegExp; reason: string }> = {};

const tmp = tempDir('enxuto-convert-matrix-');
afterAll(() => tmp.cleanup());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false }, out, err };
}

async function runOnnx(file: string, x: Float32Array, shape: number[], output: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, shape) });
    const name = session.outputNames.includes(output) ? output : session.outputNames[session.outputNames.length - 1]!;
    return out[name]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function runTfjsGraph(folder: string, x: Float32Array, shape: number[], output: string): Promise<Float32Array> {
  const model = await tf.loadGraphModel(folderHandler(join(folder, 'model.json')));
  try {
    const names = model.outputs.map((o) => o.name);
    const name = names.includes(output) ? output : names[names.length - 1]!;
    return tf.tidy(
      () =>
        (
          model.execute({ [model.inputs[0]!.name]: tf.tensor(x, shape, 'float32') }, name) as tf.Tensor
        ).dataSync() as Float32Array,
    );
  } finally {
    model.dispose();
  }
}

function runTfliteFile(file: string, x: Float32Array, output: string): Float32Array {
  const outs = runTflite(new Uint8Array(readFileSync(file)), [{ data: x }]);
  return (outs.find((o) => o.name === output) ?? outs[outs.length - 1]!).data as Float32Array;
}

const SOURCES: Source[] = [
  {
    name: 'onnx-mnist-8',
    path: () => sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
    shape: [1, 1, 28, 28],
    pixelScale: 255,
    output: 'Plus214_Output_0',
    reference: (x) =>
      runOnnx(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'), x, [1, 1, 28, 28], 'Plus214_Output_0'),
  },
  {
    name: 'tfjs-mnist-layers',
    path: () => sharedPath('models', 'tfjs-mnist-layers'),
    shape: [1, 28, 28],
    pixelScale: 1,
    output: 'softmax',
    reference: async (x) => {
      const model = await tf.loadLayersModel(folderHandler(sharedPath('models', 'tfjs-mnist-layers', 'model.json')));
      try {
        return tf.tidy(() => {
          // This layers model outputs every layer; the prediction is the last.
          const y = model.predict(tf.tensor(x, [1, 28, 28], 'float32'));
          return (Array.isArray(y) ? y[y.length - 1]! : y).dataSync() as Float32Array;
        });
      } finally {
        model.dispose();
      }
    },
  },
  {
    name: 'tfjs-mnist-graph',
    path: () => sharedPath('models', 'tfjs-mnist-graph'),
    shape: [1, 28, 28, 1],
    pixelScale: 1,
    output: 'MySoftMax',
    reference: (x) => runTfjsGraph(sharedPath('models', 'tfjs-mnist-graph'), x, [1, 28, 28, 1], 'MySoftMax'),
  },
  {
    // A TFLite model of ours (convolutions, weights behind Transpose once read back): mnist-8
    // converted first, compared with the original ONNX model in onnxruntime.
    name: 'onnx-mnist-8.tflite',
    path: () => join(tmp.path, 'made', 'mnist-8.tflite'),
    shape: [1, 1, 28, 28],
    pixelScale: 255,
    output: 'Plus214_Output_0',
    reference: (x) =>
      runOnnx(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'), x, [1, 1, 28, 28], 'Plus214_Output_0'),
  },
  {
    name: 'tflite-mnist-lstm',
    path: () => sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite'),
    shape: [1, 28, 28],
    pixelScale: 1,
    output: 'StatefulPartitionedCall:0',
    reference: async (x) =>
      runTfliteFile(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite'), x, 'StatefulPartitionedCall:0'),
  },
];

const TARGETS: { target: Target; out: (base: string) => string }[] = [
  { target: 'onnx', out: (b) => join(tmp.path, `${b}.onnx`) },
  { target: 'tfjs', out: (b) => join(tmp.path, `${b}-tfjs`) },
  { target: 'tflite', out: (b) => join(tmp.path, `${b}.tflite`) },
];

let digits: Float32Array[] = [];
const matrix: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const data = openDataset({
    type: 'mnist-idx',
    images: sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz'),
    labels: sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz'),
    count: DIGITS,
  });
  digits = Array.from({ length: DIGITS }, (_, i) => data.sample(i).input);
  const made = join(tmp.path, 'made', 'mnist-8.tflite');
  expect(await runCli(['convert', sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'), made], capture().io, {})).toBe(0);
});

afterAll(() => {
  // The matrix as measured in this run (recorded in packages/formats/CONFORMANCE-conversion.md).
  console.log(['source -> target: result', ...matrix].join('\n'));
});

describe('enxuto convert: 3x3 format matrix on the shared models', () => {
  const cells = SOURCES.flatMap((source) => TARGETS.map((t) => ({ source, ...t })));
  it.each(cells.map((c) => [`${c.source.name} -> ${c.target}`, c] as const))(
    '%s',
    async (cell, { source, target, out }) => {
      const output = out(source.name.replace(/\./g, '_'));
      const c = capture();
      const code = await runCli(['convert', source.path(), output], c.io, {});
      const expected = EXPECTED_UNSUPPORTED[cell];
      if (expected) {
        expect(code).toBe(1);
        expect(c.err.join('')).toMatch(expected.message);
        // The same failure through the library is a typed UnsupportedError, and nothing was written.
        const { model } = await readModel(source.path());
        await expect(writeModel(model, `${output}-again`, { format: target })).rejects.toBeInstanceOf(UnsupportedError);
        expect(existsSync(output)).toBe(false);
        matrix.push(`${cell}: UnsupportedError (${expected.reason})`);
        return;
      }
      expect(c.err.join(''), cell).toBe('');
      expect(code).toBe(0);
      let worst = 0;
      let agree = 0;
      for (const digit of digits) {
        const x = digit.map((p) => p * source.pixelScale);
        const ref = await source.reference(x);
        const got =
          target === 'onnx'
            ? await runOnnx(output, x, source.shape, source.output)
            : target === 'tfjs'
              ? await runTfjsGraph(output, x, source.shape, source.output)
              : runTfliteFile(output, x, source.output);
        expect(got.length).toBe(10);
        expect(ref.length).toBe(10);
        const scale = Math.max(1, ...Array.from(ref, Math.abs));
        for (let i = 0; i < 10; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / scale);
        const argmax = (v: Float32Array) => v.indexOf(Math.max(...v));
        if (argmax(got) === argmax(ref)) agree++;
      }
      matrix.push(`${cell}: ok, max rel. error ${worst.toExponential(2)}, ${agree}/${DIGITS} same class`);
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      expect(agree).toBe(DIGITS);
    },
  );
});
