// Each format in its own runtime: ONNX in onnxruntime-node, .tflite in the native TFLite
// interpreter, TF.js folders in tf.loadGraphModel (wasm backend). Outputs come back in the order of
// `outputNames` (matched by name, else by position) as float64 arrays for comparison.
import { readFileSync } from 'node:fs';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { folderHandler, loadGraph, loadLayers } from '@enxuto/test-support/tfjs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { Feed } from './inputs.js';

ort.env.logLevel = 'error';

export type Outputs = Float64Array[];

const toF64 = (d: ArrayLike<number | bigint | boolean>): Float64Array =>
  Float64Array.from(d as ArrayLike<number>, Number);

/** `exact`: graph optimizations off, so QDQ runs as the ONNX spec defines it on any CPU. */
export async function runOnnx(
  file: string | Uint8Array,
  feeds: Feed[],
  outputNames: string[],
  exact = false,
): Promise<Outputs> {
  const session = await ort.InferenceSession.create(
    file as string,
    exact ? { graphOptimizationLevel: 'disabled' } : {},
  );
  try {
    const f: Record<string, ort.Tensor> = {};
    for (const x of feeds)
      if (session.inputNames.includes(x.name))
        f[x.name] = new ort.Tensor(x.dtype === 'float32' ? 'float32' : (x.dtype as 'int64'), x.data, x.shape);
    const out = await session.run(f);
    return outputNames.map((n, i) => toF64((out[n] ?? out[session.outputNames[i]!]!).data as Float32Array));
  } finally {
    await session.release();
  }
}

export function runTfliteFile(file: string, feeds: Feed[]): Outputs {
  const interp = TfliteInterpreter.load(new Uint8Array(readFileSync(file)));
  const byName = new Map(feeds.map((x) => [x.name, x]));
  const inputs = interp.inputs.map((spec, i) => {
    const x = byName.get(spec.name) ?? feeds[i]!;
    // int64 inputs (token ids) stay int64 in the exported file: the interpreter takes bigints there.
    const data =
      x.dtype === 'int64'
        ? BigInt64Array.from(x.data as ArrayLike<number | bigint>, (v) => BigInt(v))
        : Array.from(x.data as ArrayLike<number>, Number);
    return { data: data as ArrayLike<number> };
  });
  return interp.run(inputs).map((o) => toF64(o.data as Float32Array));
}

/** A TF.js layers model (Keras topology) through tf.loadLayersModel and predict. */
async function runTfjsLayers(modelJson: string, feeds: Feed[]): Promise<Outputs> {
  const model = await loadLayers(folderHandler(modelJson));
  const inputs = feeds.map((x) => tf.tensor(Array.from(x.data as ArrayLike<number>, Number), x.shape, 'float32'));
  const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => toF64((await t.data()) as Float32Array)));
  tf.dispose([...list, ...inputs]);
  model.dispose();
  return values;
}

export async function runTfjsFolder(modelJson: string, feeds: Feed[], outputNames: string[]): Promise<Outputs> {
  // Graph models list nodes; layers models (Keras topology, with or without `format`) do not.
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  if (!Array.isArray(json.modelTopology?.node)) return runTfjsLayers(modelJson, feeds);
  const model = await loadGraph(folderHandler(modelJson));
  try {
    const byName = new Map(feeds.map((x) => [x.name, x]));
    const inputs: Record<string, tf.Tensor> = {};
    model.inputs.forEach((spec, i) => {
      const key = spec.name.replace(/:0$/, '');
      const x = byName.get(key) ?? feeds[i]!;
      const dtype = spec.dtype === 'int32' ? 'int32' : spec.dtype === 'bool' ? 'bool' : 'float32';
      inputs[spec.name] = tf.tensor(Array.from(x.data as ArrayLike<number>, Number), x.shape, dtype);
    });
    const names = model.outputs.map((o) => o.name);
    const result = await model.executeAsync(inputs, names);
    const list = Array.isArray(result) ? result : [result];
    const values = await Promise.all(list.map(async (t) => toF64((await t.data()) as Float32Array)));
    tf.dispose([...list, ...Object.values(inputs)]);
    const plain = names.map((n) => n.replace(/:0$/, ''));
    return outputNames.map((n, i) => values[plain.indexOf(n)] ?? values[i]!);
  } finally {
    model.dispose();
  }
}
