import { readOnnxFile } from '@enxuto/onnx/node';
import { writeTflite, readTflite } from '../src/index.js';
import { exportToTflite } from '../src/export/export-tflite.js';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const path = '/work/shared/models/onnx-mnist-8/mnist.onnx';
const m = readOnnxFile(path);
for (const mode of ['float32','float16','dynamic-int8'] as const) {
  const t = exportToTflite(m, { mode });
  for (const n of t.graph) console.log(mode, n.opType, n.inputs.map(v=>v?.name+':'+JSON.stringify(v?.shape)+(v?.dtype)).join(' '), '->', n.output().name, JSON.stringify(n.output().shape));
  const bytes = writeTflite(t);
  console.log('bytes', bytes.length);
  const interp = TfliteInterpreter.load(bytes);
  const sess = await ort.InferenceSession.create(readFileSync(path));
  const x = new Float32Array(784).map((_, i) => (i * 37 % 255));
  const a = interp.run([{ data: x }])[0]!.data as Float32Array;
  const r = await sess.run({ Input3: new ort.Tensor('float32', x, [1,1,28,28]) });
  const b = r[sess.outputNames[0]!]!.data as Float32Array;
  console.log(mode, Array.from(a).map(v=>v.toFixed(3)).join(' '));
  console.log(mode, Array.from(b).map(v=>v.toFixed(3)).join(' '));
}
