// End to end on the real mnist-8: calibrate on 256 digits of the `mnist` package, evaluate on the
// first 2,000 official test digits in onnxruntime-node and onnxruntime-web (the full 10,000 run in
// bench/quantize.bench.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import { opHistogram } from '@enxuto/ir';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel, type EvalResult } from '../src/calibrate/evaluate.js';
import { quantizeStatic } from '../src/passes/quantize-static.js';
import { quantizeDynamic } from '../src/passes/quantize-dynamic.js';
import { quantizeWeights } from '../src/passes/quantize-weights.js';
import { calibrationDigits, mnistModel, mnistModelBytes, testDigits } from './mnist-fixtures.js';

const EVAL = 2000;
const node = getBackend('ort-node');
const web = getBackend('ort-web');
const model = mnistModel();
const fp32Bytes = mnistModelBytes();
let fp32: EvalResult;

const evalOn = (bytes: Uint8Array, backend = node) =>
  evaluateModel(bytes, backend, datasetBatches(model, testDigits(EVAL)));

function argmaxAgreement(a: Float32Array, b: Float32Array, classes = 10): number {
  let same = 0;
  const rows = a.length / classes;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < classes; c++) {
      if (a[r * classes + c]! > a[r * classes + ia]!) ia = c;
      if (b[r * classes + c]! > b[r * classes + ib]!) ib = c;
    }
    if (ia === ib) same++;
  }
  return same / rows;
}

beforeAll(async () => {
  fp32 = await evalOn(fp32Bytes);
});

describe('quantize-static on mnist-8', () => {
  for (const format of ['qdq', 'qoperator'] as const) {
    it(`${format}, per-channel: accuracy, size, both runtimes agree`, async () => {
      const r = await quantizeStatic(model, node, datasetBatches(model, calibrationDigits(256)), { format });
      const bytes = writeOnnxBytes(r.model);
      expect(bytes.length / fp32Bytes.length).toBeLessThanOrEqual(0.35);
      // no float weights left except the first conv (kept float for speed: 1 input channel)
      const floats = r.model.graph.initializers().filter((v) => v.const!.dtype === 'float32' && v.const!.size > 16);
      expect(floats.map((v) => v.const!.shape)).toEqual([[8, 1, 5, 5]]);
      const onNode = await evalOn(bytes, node);
      const onWeb = await evalOn(bytes, web);
      expect(fp32.accuracy).toBeGreaterThan(0.98);
      expect(onNode.accuracy).toBeGreaterThanOrEqual(fp32.accuracy - 0.002);
      expect(onWeb.accuracy).toBeGreaterThanOrEqual(fp32.accuracy - 0.002);
      expect(argmaxAgreement(onNode.outputs, onWeb.outputs)).toBeGreaterThanOrEqual(0.999);
      if (format === 'qdq') {
        const ops = opHistogram(r.model);
        expect(ops.QuantizeLinear).toBe(4);
        expect(ops.Relu).toBe(1);
      } else {
        expect(r.converted).toEqual({ QLinearConv: 1, MaxPool: 1, Reshape: 1, QGemm: 1 });
      }
    });
  }

  it('every calibration method keeps the accuracy', async () => {
    for (const calibration of ['percentile', 'entropy', 'mse'] as const) {
      const r = await quantizeStatic(model, node, datasetBatches(model, calibrationDigits(256)), {
        calibration,
        minInputChannels: 0,
      });
      const acc = await evalOn(writeOnnxBytes(r.model));
      expect(acc.accuracy, calibration).toBeGreaterThanOrEqual(fp32.accuracy - 0.005);
    }
  });
});

describe('dynamic and weight-only on mnist-8', () => {
  it('run in both runtimes with the float accuracy', async () => {
    const cases = {
      dynamic: quantizeDynamic(model).model,
      int8: quantizeWeights(model).model,
      int4: quantizeWeights(model, { bits: 4, blockSize: 16 }).model,
    };
    expect(opHistogram(cases.dynamic).MatMulInteger).toBe(1);
    expect(opHistogram(cases.int4)['com.microsoft.MatMulNBits']).toBe(1);
    for (const [name, m] of Object.entries(cases)) {
      const bytes = writeOnnxBytes(m);
      const a = await evalOn(bytes, node);
      const b = await evalOn(bytes, web);
      expect(a.accuracy, name).toBeGreaterThanOrEqual(fp32.accuracy - 0.005);
      expect(argmaxAgreement(a.outputs, b.outputs), name).toBeGreaterThanOrEqual(0.999);
    }
  });
});

describe('int4 DequantizeLinear storage on mnist-8', () => {
  it('block-wise int4 weights (opset 21) run in both runtimes and keep the accuracy', async () => {
    const m = quantizeWeights(model, { bits: 4, int4Format: 'dequantize', blockSize: 16, minElements: 100 }).model;
    expect(m.opset('')).toBe(21);
    const dqs = [...m.graph].filter((n) => n.opType === 'DequantizeLinear');
    expect(dqs.map((n) => [n.inputs[0]!.const!.dtype, n.getInt('block_size')])).toEqual([
      ['int4', 16],
      ['int4', 16],
      ['int4', 16],
    ]);
    const bytes = writeOnnxBytes(m);
    expect(bytes.length / fp32Bytes.length).toBeLessThan(0.4);
    const a = await evalOn(bytes, node);
    const b = await evalOn(bytes, web);
    expect(a.accuracy).toBeGreaterThanOrEqual(fp32.accuracy - 0.01);
    expect(argmaxAgreement(a.outputs, b.outputs)).toBeGreaterThanOrEqual(0.999);
  });
});
