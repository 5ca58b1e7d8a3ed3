// Test support for exportToTflite: tiny ONNX graphs, run in onnxruntime and (exported) in the real
// TFLite interpreter, so every structural test also checks the numbers.
import { checkModel, Model, tensorFromValues, tensorType, type Graph, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { exportToTflite } from '../src/export/export-tflite.js';
import type { TfliteExportOptions } from '../src/export/options.js';
import { writeTflite } from '../src/write.js';

ort.env.logLevel = 'error';

/** Deterministic pseudo-random floats in [-1, 1). */
export function noise(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

export function weight(g: Graph, name: string, shape: number[], seed = 7): Value {
  return g.addInitializer(
    name,
    tensorFromValues(
      'float32',
      shape,
      noise(
        shape.reduce((p, d) => p * d, 1),
        seed,
      ),
    ),
  );
}

/** An opset-13 ONNX model with one float input; `build` adds nodes and returns the output. */
export function onnxModel(inputShape: number[], build: (g: Graph, x: Value) => Value, outputShape: number[]): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const x = m.graph.addInput('x', tensorType('float32', inputShape));
  const y = build(m.graph, x);
  y.type = tensorType('float32', outputShape);
  m.graph.setOutputs([y]);
  checkModel(m);
  return m;
}

/** `exact`: graph optimizations off, so QDQ runs as the ONNX spec defines it (no fused u8s8 kernels). */
export async function runOrt(model: Model, x: Float32Array, exact = false): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(
    writeOnnxBytes(model),
    exact ? { graphOptimizationLevel: 'disabled' } : {},
  );
  const input = model.graph.inputs.find((v) => v.const === undefined)!;
  const out = await session.run({ [input.name]: new ort.Tensor('float32', x, input.shape as number[]) });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

export function runExported(tflite: Model, x: Float32Array): Float32Array {
  return TfliteInterpreter.load(writeTflite(tflite)).run([{ data: x }])[0]!.data as Float32Array;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Exports, checks the IR, and returns the exported model with both runtimes' outputs on `x`. */
export async function exportAndRun(
  model: Model,
  x: Float32Array,
  options: TfliteExportOptions = {},
): Promise<{ tflite: Model; onnx: Float32Array; tfl: Float32Array }> {
  const tflite = exportToTflite(model, options);
  checkModel(tflite);
  const nhwc = options.inputLayout === 'NHWC' ? toNhwc(x, model.graph.inputs[0]!.shape as number[]) : x;
  return { tflite, onnx: await runOrt(model, x), tfl: runExported(tflite, nhwc) };
}

export function toNhwc(x: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n!; b++)
    for (let k = 0; k < c!; k++)
      for (let y = 0; y < h!; y++)
        for (let i = 0; i < w!; i++) out[((b * h! + y) * w! + i) * c! + k] = x[((b * c! + k) * h! + y) * w! + i]!;
  return out;
}

/** Op types of the exported graph in order. */
export function ops(m: Model): string[] {
  return [...m.graph].map((n) => n.opType);
}
