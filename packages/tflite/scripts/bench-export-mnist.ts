// Figures for CONFORMANCE-tflite.md: mnist-8 exported to TFLite in every mode, run in the real
// TFLite interpreter on all 10,000 MNIST test digits, against onnxruntime on the ONNX models.
// Run: npx tsx --conditions=source scripts/bench-export-mnist.ts
import { writeOnnxBytes } from '@enxuto/onnx';
import { readOnnxFile } from '@enxuto/onnx/node';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import type { Model } from '@enxuto/ir';
import * as ort from 'onnxruntime-node';
import { loadMnistTest } from '../test/mnist-idx.js';
import { buildMnistQdq } from '../test/mnist-qdq.js';
import { exportToTflite } from '../src/export/export-tflite.js';
import { writeTflite } from '../src/write.js';

ort.env.logLevel = 'error';
const mnist = loadMnistTest();
const digit = (i: number) => Float32Array.from(mnist.images.subarray(i * 784, (i + 1) * 784));
const argmax = (o: ArrayLike<number>) => {
  let k = 0;
  for (let i = 1; i < o.length; i++) if (o[i]! > o[k]!) k = i;
  return k;
};

async function onnxLogits(model: Model): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(writeOnnxBytes(model));
  const out: Float32Array[] = [];
  for (let i = 0; i < mnist.count; i++)
    out.push(
      (await s.run({ Input3: new ort.Tensor('float32', digit(i), [1, 1, 28, 28]) }))[s.outputNames[0]!]!
        .data as Float32Array,
    );
  return out;
}

function tfliteLogits(bytes: Uint8Array): Float32Array[] {
  const interp = TfliteInterpreter.load(bytes);
  return Array.from({ length: mnist.count }, (_, i) => interp.run([{ data: digit(i) }])[0]!.data as Float32Array);
}

const accuracy = (l: Float32Array[]) => l.filter((y, i) => argmax(y) === mnist.labels[i]).length / l.length;
const relDiff = (a: Float32Array[], b: Float32Array[]) =>
  Math.max(
    ...a.map(
      (x, i) =>
        Math.max(...Array.from(x, (v, k) => Math.abs(v - b[i]![k]!))) / Math.max(1, ...Array.from(b[i]!, Math.abs)),
    ),
  );
const agree = (a: Float32Array[], b: Float32Array[]) => a.filter((x, i) => argmax(x) === argmax(b[i]!)).length;

const float = readOnnxFile(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
const ref = await onnxLogits(float);
console.log(`ONNX float (onnxruntime): ${(accuracy(ref) * 100).toFixed(2)} %`);
console.log('| model | mode | .tflite bytes | accuracy | ONNX reference | max rel. logit diff | same class |');
for (const mode of ['float32', 'float16', 'dynamic-int8'] as const) {
  const bytes = writeTflite(exportToTflite(float, { mode }));
  const l = tfliteLogits(bytes);
  console.log(
    `| mnist-8 | ${mode} | ${bytes.length} | ${(accuracy(l) * 100).toFixed(2)} % | ${(accuracy(ref) * 100).toFixed(2)} % | ${relDiff(l, ref).toExponential(1)} | ${agree(l, ref)} |`,
  );
}
const calibration = Array.from({ length: 200 }, (_, i) => digit(mnist.count - 200 + i));
for (const quantizedOutput of [false, true]) {
  const qdq = await buildMnistQdq(float, calibration, { quantizedOutput });
  const qref = await onnxLogits(qdq);
  const bytes = writeTflite(exportToTflite(qdq, { mode: 'int8' }));
  const l = tfliteLogits(bytes);
  console.log(
    `| mnist-8 QDQ${quantizedOutput ? ' (int8 logits)' : ''} | int8 | ${bytes.length} | ${(accuracy(l) * 100).toFixed(2)} % | ${(accuracy(qref) * 100).toFixed(2)} % | ${relDiff(l, qref).toExponential(1)} | ${agree(l, qref)} |`,
  );
}
