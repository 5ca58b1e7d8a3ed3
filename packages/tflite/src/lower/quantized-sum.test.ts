// A quantized MEAN lowers to a mean in double: TFLite sums the integers exactly, and a float32
// ReduceMean over a 112x112 image drifts by hundredths of a step, enough to cross a rounding
// boundary (efficientnet_b0's int8 file read back at cosine 0.9994 of its own model).
import { writeOnnxBytes } from '@enxuto/onnx';
import { tensorFromValues, type Graph, type Value } from '@enxuto/ir';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { onnxModel, runExported } from '../../test/export-harness.js';
import { exportToTflite } from '../export/export-tflite.js';
import { readTflite } from '../read.js';
import { writeTflite } from '../write.js';
import { lowerTfliteToOnnx } from './to-onnx.js';

const C = 16;
const SIDE = 112;
const N = SIDE * SIDE;
const STEP = 0.01;

function qdq(g: Graph, v: Value, name: string): Value {
  const s = g.addInitializer(`${name}_s`, tensorFromValues('float32', [], [STEP]));
  const z = g.addInitializer(`${name}_z`, tensorFromValues('uint8', [], [0]));
  const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${name}_q`] }).output();
  return g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name] }).output();
}

describe('TFLite -> ONNX: a quantized MEAN keeps the integer sum', () => {
  it('channel means a few thousandths of a step from a rounding boundary round as the exact mean', async () => {
    // Channel c: every element 90 + c steps, and enough +1s that the mean sits at
    // k + 0.497 ... k + 0.503 steps.
    const x = new Float32Array(C * N);
    const truth: number[] = [];
    for (let c = 0; c < C; c++) {
      const base = 90 + c;
      const ones = Math.round(N * (0.497 + (0.006 * c) / (C - 1)));
      for (let i = 0; i < N; i++) x[c * N + i] = (base + (i < ones ? 1 : 0)) * STEP;
      truth.push(Math.round(base + ones / N) * STEP);
    }
    const m = onnxModel(
      [1, C, SIDE, SIDE],
      (g, v) =>
        qdq(g, g.addNode({ opType: 'GlobalAveragePool', inputs: [qdq(g, v, 'xq')], outputs: ['m'] }).output(), 'y'),
      [1, C, 1, 1],
    );
    const tflite = exportToTflite(m, { mode: 'int8' });
    const lowered = lowerTfliteToOnnx(readTflite(writeTflite(tflite)));
    const session = await ort.InferenceSession.create(writeOnnxBytes(lowered), { graphOptimizationLevel: 'disabled' });
    const input = lowered.graph.inputs[0]!;
    const out = await session.run({ [input.name]: new ort.Tensor('float32', x, input.shape as number[]) });
    const got = Array.from(out[lowered.graph.outputs[0]!.name]!.data as Float32Array);
    const interpreter = Array.from(runExported(tflite, x));
    for (let c = 0; c < C; c++) {
      expect(interpreter[c]).toBeCloseTo(truth[c]!, 6);
      expect(got[c]).toBeCloseTo(truth[c]!, 6);
    }
    // Written as TFLite again, the widening comes off: one MEAN, no CAST.
    const again = exportToTflite(lowered, { mode: 'int8' });
    const types = [...again.graph].map((n) => n.opType);
    expect(types).not.toContain('CAST');
    expect(types.filter((t) => t === 'MEAN').length).toBe(1);
  }, 60_000);
});
