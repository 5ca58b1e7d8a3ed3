// Test support for lowerTfliteToOnnx: one-op TFLite models built in the IR, run in the real TFLite
// interpreter and, lowered, in onnxruntime on the same inputs.
import { attr, checkModel, Model, tensorFromValues, tensorType, type Attr, type DataType } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { TFLITE_DOMAIN } from '../src/extras.js';
import { lowerTfliteToOnnx } from '../src/lower/to-onnx.js';
import { writeTflite } from '../src/write.js';
import { noise } from './export-harness.js';

ort.env.logLevel = 'error';

export interface OperandSpec {
  shape: number[];
  dtype?: DataType;
  /** Constant data; without it the operand is a graph input fed with noise. */
  data?: ArrayLike<number>;
}

type Attrs = Record<string, number | string | number[]>;

function toAttr(v: number | string | number[]): Attr {
  if (typeof v === 'string') return attr.string(v);
  if (Array.isArray(v)) return attr.ints(v);
  return Number.isInteger(v) ? attr.int(v) : attr.float(v);
}

/** A model of one TFLite op with the given operands, attributes and output shapes. */
export function oneOp(
  opType: string,
  operands: OperandSpec[],
  outputs: { shape: number[]; dtype?: DataType }[],
  attrs: Attrs = {},
  domain = TFLITE_DOMAIN,
): Model {
  const m = new Model();
  m.opsetImports.clear();
  m.opsetImports.set(TFLITE_DOMAIN, 3);
  if (domain !== TFLITE_DOMAIN) m.opsetImports.set(domain, 1);
  const g = m.graph;
  const inputs = operands.map((o, i) => {
    const dtype = o.dtype ?? 'float32';
    if (o.data !== undefined) return g.addInitializer(`c${i}`, tensorFromValues(dtype, o.shape, o.data));
    return g.addInput(`x${i}`, tensorType(dtype, o.shape));
  });
  const attributes = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, toAttr(v)]));
  const n = g.addNode({ opType, domain, inputs, outputs: outputs.map((_, i) => `y${i}`), attributes });
  n.outputs.forEach((v, i) => {
    v!.type = tensorType(outputs[i]!.dtype ?? 'float32', outputs[i]!.shape);
  });
  g.setOutputs(n.outputs.map((v) => v!));
  checkModel(m);
  return m;
}

function feedFor(spec: OperandSpec, seed: number): Float32Array | Int32Array | Uint8Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const x = noise(n, seed);
  if (spec.dtype === 'int32') return Int32Array.from(x, (v) => Math.round(v * 4));
  if (spec.dtype === 'bool') return Uint8Array.from(x, (v) => (v > 0 ? 1 : 0));
  return x;
}

type Feed = Float32Array | Int32Array | Uint8Array;

function inputsFor(model: Model, feeds?: Feed[]): Feed[] {
  return model.graph.inputs.map(
    (v, i) => feeds?.[i] ?? feedFor({ shape: v.shape as number[], dtype: v.dtype! }, 11 + i),
  );
}

/** Runs `model` in the TFLite interpreter and its lowering in onnxruntime on the same inputs. */
export async function runBoth(
  model: Model,
  feeds?: Feed[],
): Promise<{ tflite: ArrayLike<number>[]; onnx: ArrayLike<number>[]; lowered: Model }> {
  const inputs = inputsFor(model, feeds);
  const tflite = TfliteInterpreter.load(writeTflite(model))
    .run(inputs.map((d) => ({ data: d })))
    .map((o) => o.data as ArrayLike<number>);
  return { tflite, ...(await runLowered(model, inputs)) };
}

/** The lowering of `model` run in onnxruntime. */
export async function runLowered(model: Model, feeds?: Feed[]): Promise<{ onnx: ArrayLike<number>[]; lowered: Model }> {
  const inputs = inputsFor(model, feeds);
  const lowered = lowerTfliteToOnnx(model);
  checkModel(lowered);
  const session = await ort.InferenceSession.create(writeOnnxBytes(lowered));
  const ortFeeds: Record<string, ort.Tensor> = {};
  lowered.graph.inputs.forEach((v, i) => {
    const dtype = v.dtype === 'bool' ? 'bool' : v.dtype === 'int32' ? 'int32' : 'float32';
    ortFeeds[v.name] = new ort.Tensor(dtype, inputs[i]!, v.shape as number[]);
  });
  const out = await session.run(ortFeeds);
  const onnx = lowered.graph.outputs.map((v) => {
    const d = out[v.name]!.data;
    return (
      typeof (d as BigInt64Array)[0] === 'bigint' ? Array.from(d as BigInt64Array, Number) : d
    ) as ArrayLike<number>;
  });
  return { onnx, lowered };
}

/** Largest |a - b| over the largest |a| (1 when a is all zeros). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(Number(a[i]) - Number(b[i])));
    m = Math.max(m, Math.abs(Number(a[i])));
  }
  return d / Math.max(m, 1e-30);
}
