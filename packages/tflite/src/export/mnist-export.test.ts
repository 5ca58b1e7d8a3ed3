// mnist-8 (ONNX) exported to TFLite in every mode and run in the real TFLite interpreter on the
// 10,000 official MNIST test digits, against onnxruntime on the ONNX source model.
import { checkModel, type Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { readOnnxFile } from '@enxuto/onnx/node';
import { TfliteInterpreter } from '@enxuto/tflite-interpreter';
import { sharedPath } from '@enxuto/test-support';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ops } from '../../test/export-harness.js';
import { loadMnistTest } from '../../test/mnist-idx.js';
import { buildMnistQdq } from '../../test/mnist-qdq.js';
import { lowerTfliteToOnnx } from '../lower/to-onnx.js';
import { writeTflite } from '../write.js';
import { exportToTflite } from './export-tflite.js';
import type { TfliteExportMode } from './options.js';

ort.env.logLevel = 'error';

const mnist = loadMnistTest();
/** Pixels 0..255 as float, as mnist-8 expects (no normalization). */
const digit = (i: number): Float32Array => Float32Array.from(mnist.images.subarray(i * 784, (i + 1) * 784));
const argmax = (o: ArrayLike<number>): number => {
  let k = 0;
  for (let i = 1; i < o.length; i++) if (o[i]! > o[k]!) k = i;
  return k;
};

interface Eval {
  accuracy: number;
  logits: Float32Array[];
}

/**
 * `exact`: graph optimizations off, so a QDQ model runs as the ONNX spec defines it (each
 * QuantizeLinear/DequantizeLinear as written, float ops between). Optimized, onnxruntime fuses QDQ
 * into integer kernels whose results depend on the CPU (AVX2 without VNNI: its u8s8 path saturates
 * int16 pair sums), which no other runtime reproduces.
 */
async function evalOnnx(model: Model, count: number, exact = false): Promise<Eval> {
  const session = await ort.InferenceSession.create(
    writeOnnxBytes(model),
    exact ? { graphOptimizationLevel: 'disabled' } : {},
  );
  const logits: Float32Array[] = [];
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const out = await session.run({ Input3: new ort.Tensor('float32', digit(i), [1, 1, 28, 28]) });
    const y = out[session.outputNames[0]!]!.data as Float32Array;
    logits.push(y);
    if (argmax(y) === mnist.labels[i]) correct++;
  }
  return { accuracy: correct / count, logits };
}

function evalTflite(model: Model, count: number): Eval {
  const interp = TfliteInterpreter.load(writeTflite(model));
  const logits: Float32Array[] = [];
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const y = interp.run([{ data: digit(i), shape: [1, 1, 28, 28] }])[0]!.data as Float32Array;
    logits.push(y);
    if (argmax(y) === mnist.labels[i]) correct++;
  }
  return { accuracy: correct / count, logits };
}

/** Largest |a - b| relative to the largest |logit| of that digit. */
function maxRelativeDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    const scale = Math.max(1, ...Array.from(y, Math.abs));
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!) / scale);
  });
  return worst;
}

const N = mnist.count;
const float = readOnnxFile(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
let onnxFloat: Eval;

beforeAll(async () => {
  onnxFloat = await evalOnnx(float, N);
}, 120_000);

describe('mnist-8 -> TFLite', () => {
  it('float32: same logits as onnxruntime (relative 1e-5) and the same accuracy on 10,000 digits', () => {
    const t = exportToTflite(float);
    checkModel(t);
    expect(ops(t)).toEqual([
      'RESHAPE',
      'CONV_2D',
      'MAX_POOL_2D',
      'CONV_2D',
      'MAX_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
    ]);
    const r = evalTflite(t, N);
    expect(onnxFloat.accuracy).toBeCloseTo(0.9891, 4);
    expect(Math.abs(r.accuracy - onnxFloat.accuracy)).toBeLessThanOrEqual(0.001);
    expect(maxRelativeDiff(r.logits, onnxFloat.logits)).toBeLessThan(1e-5);
  });

  it.each<[TfliteExportMode, number, number]>([
    // [mode, max relative logit difference, max accuracy drop in points]
    ['float16', 2e-3, 0.1],
    ['dynamic-int8', 5e-2, 0.3],
  ])(
    '%s: runs in the interpreter, logits within %s (relative), accuracy within %s point',
    (mode, logitBound, accBound) => {
      const t = exportToTflite(float, { mode });
      checkModel(t);
      const r = evalTflite(t, N);
      expect(maxRelativeDiff(r.logits, onnxFloat.logits)).toBeLessThan(logitBound);
      expect(Math.abs(r.accuracy - onnxFloat.accuracy) * 100).toBeLessThanOrEqual(accBound);
    },
  );
});

describe('TFLite -> ONNX -> TFLite', () => {
  it('the float32 export lowered back to ONNX (lowerTfliteToOnnx) exports again with its transposes folded and Relus fused', () => {
    const first = exportToTflite(float);
    const lowered = lowerTfliteToOnnx(first);
    expect(lowered.graph.nodes.filter((n) => n.opType === 'Transpose').length).toBeGreaterThan(4);
    const again = exportToTflite(lowered);
    checkModel(again);
    expect(ops(again)).toEqual([
      'RESHAPE',
      'CONV_2D',
      'MAX_POOL_2D',
      'CONV_2D',
      'MAX_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
    ]);
    const a = evalTflite(first, 1000);
    const b = evalTflite(again, 1000);
    expect(maxRelativeDiff(b.logits, a.logits)).toBeLessThan(1e-5);
  });
});

describe('mnist-8 QDQ (quantize-static form) -> TFLite int8', () => {
  // Calibration on the last 200 test digits (the only MNIST split in shared/data).
  const calibration = Array.from({ length: 200 }, (_, i) => digit(N - 200 + i));

  it('int8 weights and activations, the float first conv behind QUANTIZE, float logits: accuracy within 0.1 point of the ONNX int8 model', async () => {
    const qdq = await buildMnistQdq(float, calibration);
    const t = exportToTflite(qdq, { mode: 'int8' });
    checkModel(t);
    expect(ops(t)).toEqual([
      'RESHAPE',
      'CONV_2D',
      'QUANTIZE',
      'MAX_POOL_2D',
      'CONV_2D',
      'MAX_POOL_2D',
      'RESHAPE',
      'DEQUANTIZE',
      'DEQUANTIZE',
      'FULLY_CONNECTED',
    ]);
    // The float-output Gemm keeps its int8 weights, behind a DEQUANTIZE (ONNX's DequantizeLinear).
    const fcWeights = [...t.graph]
      .find((n) => n.opType === 'FULLY_CONNECTED')!
      .input(1)!
      .producer()!;
    expect(fcWeights.opType).toBe('DEQUANTIZE');
    expect(fcWeights.input(0)!.dtype).toBe('int8');
    expect(fcWeights.input(0)!.quant!.scale.length).toBe(10);
    const conv2 = [...t.graph].filter((n) => n.opType === 'CONV_2D')[1]!;
    expect(conv2.inputs.map((v) => v!.dtype)).toEqual(['int8', 'int8', 'int32']);
    expect(conv2.input(1)!.quant!.scale.length).toBe(16);
    expect(conv2.output().quant!.zeroPoint[0]).toBe(-128); // uint8 zero point 0, moved to int8
    const onnxInt8 = await evalOnnx(qdq, N, true);
    const r = evalTflite(t, N);
    expect(Math.abs(r.accuracy - onnxInt8.accuracy)).toBeLessThanOrEqual(0.001);
  }, 60_000);

  it('float32 mode drops the Q/DQ pairs but keeps the Relu folded into the zero point: logits match onnxruntime on the QDQ model', async () => {
    const qdq = await buildMnistQdq(float, calibration);
    // mnist-8 has two Relus; the second one lives in the uint8 zero point of its QuantizeLinear.
    expect(qdq.graph.nodes.filter((n) => n.opType === 'Relu').length).toBe(1);
    const t = exportToTflite(qdq, { mode: 'float32' });
    checkModel(t);
    // The zero clamps fuse into the convs (before: no activation at all, logits off by ~4000).
    const convs = [...t.graph].filter((n) => n.opType === 'CONV_2D');
    expect(convs.map((n) => n.getString('fused_activation_function'))).toEqual(['RELU', 'RELU']);
    const count = 1000;
    const onnxQdq = await evalOnnx(qdq, count, true);
    const r = evalTflite(t, count);
    // Only activation rounding differs (float compute vs int8 activations; measured worst 3.7 % of a
    // digit's largest logit; without the clamp ~50 %).
    expect(maxRelativeDiff(r.logits, onnxQdq.logits)).toBeLessThan(0.05);
    const agree = r.logits.filter((y, i) => argmax(y) === argmax(onnxQdq.logits[i]!)).length;
    expect(agree / count).toBeGreaterThanOrEqual(0.995);
  }, 60_000);

  it('with quantized logits the last layer runs as an int8 kernel too (per-channel weights: a 1x1 CONV_2D), still within 0.1 point', async () => {
    const qdq = await buildMnistQdq(float, calibration, { quantizedOutput: true });
    const t = exportToTflite(qdq, { mode: 'int8' });
    checkModel(t);
    expect(ops(t)).toEqual([
      'RESHAPE',
      'CONV_2D',
      'QUANTIZE',
      'MAX_POOL_2D',
      'CONV_2D',
      'MAX_POOL_2D',
      'RESHAPE',
      'RESHAPE',
      'CONV_2D',
      'RESHAPE',
      'DEQUANTIZE',
    ]);
    const fc = [...t.graph].filter((n) => n.opType === 'CONV_2D')[2]!;
    expect(fc.inputs.map((v) => v!.dtype)).toEqual(['int8', 'int8', 'int32']);
    expect(fc.input(1)!.quant!.scale.length).toBe(10);
    const onnxInt8 = await evalOnnx(qdq, N, true);
    const r = evalTflite(t, N);
    expect(Math.abs(r.accuracy - onnxInt8.accuracy)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(r.accuracy - onnxFloat.accuracy)).toBeLessThanOrEqual(0.005);
  }, 60_000);
});
