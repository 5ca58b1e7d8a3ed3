// TFLite -> ONNX of the quantized forms TensorFlow's converter writes (tools/tflite-fixtures):
// int8 kernels with float, int8 or uint8 model inputs/outputs, int16 activations, per-channel
// weights on axis 0 (CONV_2D) and axis 3 (DEPTHWISE_CONV_2D). Each lowering runs in onnxruntime
// with its default (full) graph optimizations and must give the interpreter's outputs within one
// quantization step of the output.
import { readFileSync } from 'node:fs';
import { writeOnnxBytes } from '@enxuto/onnx';
import { tfliteFixturePath, type TfliteFixture } from '@enxuto/test-support';
import { TfliteInterpreter, type TfliteTypedArray } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { noise } from '../../test/export-harness.js';
import { readTflite } from '../read.js';
import { lowerTfliteToOnnx } from './to-onnx.js';

ort.env.logLevel = 'error';

/** Each fixture with the size of one step of its output (1 for integer outputs). */
const CASES: [TfliteFixture, number][] = [
  ['int8-float-io', 1 / 256],
  ['int8-io', 1],
  ['uint8-io', 1],
  ['int16x8', 1 / 32768],
  ['int8-dense', 1],
];

function feed(dtype: string, n: number, seed: number): TfliteTypedArray {
  const x = noise(n, seed);
  if (dtype === 'int8') return Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.round(v * 100))));
  if (dtype === 'uint8') return Uint8Array.from(x, (v) => Math.max(0, Math.min(255, Math.round(v * 100 + 128))));
  return x;
}

describe('quantized TFLite models lower to ONNX that onnxruntime runs', () => {
  it.each(CASES)('%s: within one output step of the interpreter on 4 inputs', async (name, step) => {
    const bytes = new Uint8Array(readFileSync(tfliteFixturePath(name)));
    const interpreter = TfliteInterpreter.load(bytes);
    const lowered = lowerTfliteToOnnx(readTflite(bytes));
    // The default optimizations are the ones that rejected opset-21 int8 QDQ models.
    const session = await ort.InferenceSession.create(writeOnnxBytes(lowered));
    const input = lowered.graph.inputs[0]!;
    const spec = interpreter.inputs[0]!;
    expect(input.dtype).toBe(spec.dtype);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    for (let seed = 1; seed <= 4; seed++) {
      const x = feed(spec.dtype, size, seed);
      const ref = interpreter.run([{ data: x }])[0]!.data;
      const out = await session.run({ [input.name]: new ort.Tensor(spec.dtype as 'int8', x as Int8Array, spec.shape) });
      const got = out[lowered.graph.outputs[0]!.name]!.data as ArrayLike<number>;
      expect(got.length).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(Number(ref[i]) - Number(got[i])));
      expect(worst).toBeLessThanOrEqual(step * 1.0001);
    }
  });

  it('keeps per-channel weights quantized, the depthwise axis 3 moved with its dim', () => {
    const source = readTflite(new Uint8Array(readFileSync(tfliteFixturePath('int8-io'))));
    const dw = source.graph.nodes.find((n) => n.opType === 'DEPTHWISE_CONV_2D')!;
    expect(dw.inputs[1]!.quant!.axis).toBe(3);
    expect(dw.inputs[1]!.quant!.scale.length).toBe(8);
    const lowered = lowerTfliteToOnnx(source);
    expect(lowered.opset('')).toBe(20);
    const group = lowered.graph.nodes.find((n) => n.opType === 'Conv' && n.getInt('group', 1) === 8)!;
    const dq = group.inputs[1]!.producer()!;
    expect(dq.opType).toBe('DequantizeLinear');
    expect(dq.getInt('axis', 1)).toBe(0);
    expect(dq.inputs[0]!.const!.dtype).toBe('int8');
    expect(dq.inputs[0]!.shape).toEqual([8, 1, 3, 3]);
    // int16 activations need opset 21's QuantizeLinear.
    expect(lowerTfliteToOnnx(readTflite(new Uint8Array(readFileSync(tfliteFixturePath('int16x8'))))).opset('')).toBe(
      21,
    );
  });
});
