// The fake-quantized training graph must compute what the QDQ model computes in onnxruntime, and
// rounding trained floats back must give the integers onnxruntime then runs (axis, grid, clamp).
import * as tf from '@tensorflow/tfjs';
import { cloneModel, float32Tensor, type Model, type Tensor, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import { compileGraph } from '@enxuto/train';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantRange } from '../kernels/params.js';
import { quantizeStatic } from '../passes/quantize-static.js';
import { restoreQuantized, toFakeQuant } from './fake-quant.js';
import { randomBatches, randomMlp, randomTensor } from './test-models.js';

const node = getBackend('ort-node');
const web = getBackend('ort-web');
const SHAPE = [16, 24];
const input = randomTensor(SHAPE, 5).toFloat32();

async function ortLogits(m: Model): Promise<Float32Array> {
  const s = await web.createSession(writeOnnxBytes(m));
  try {
    const out = await s.run({ x: { dtype: 'float32', shape: SHAPE, data: input } });
    return Float32Array.from(Object.values(out)[0]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

function tfLogits(m: Model): Float32Array {
  const exe = compileGraph(m, { trainable: [] });
  try {
    const out = exe.run({ x: tf.tensor(input, SHAPE) });
    return Object.values(out)[0]!.dataSync() as Float32Array;
  } finally {
    exe.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** quantize-static's model, and the float weight behind each integer weight (as QAT starts from it). */
async function ptqWithFloats(weightBits: number, perChannel: boolean) {
  const floats = new Map<Value, Tensor>();
  const r = await quantizeStatic(
    randomMlp(24, 2),
    node,
    randomBatches(SHAPE, 4),
    { weightBits, perChannel, compactNames: false },
    { onWeight: (q, w) => floats.set(q, w) },
  );
  return { model: r.model, floats };
}

async function ptq(weightBits: number, perChannel: boolean): Promise<Model> {
  return (await ptqWithFloats(weightBits, perChannel)).model;
}

const grid = (bits: number) => () => quantRange('int8', true, bits);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('fake quantization of a QDQ model', () => {
  for (const [bits, perChannel] of [
    [8, true],
    [4, true],
    [3, false],
  ] as const) {
    it(`${bits}-bit ${perChannel ? 'per-channel' : 'per-tensor'}: trains what onnxruntime runs, and rounds back exactly`, async () => {
      const quantized = await ptq(bits, perChannel);
      const before = writeOnnxBytes(quantized);
      const reference = await ortLogits(quantized);
      const m = cloneModel(quantized);
      const fake = toFakeQuant(m, (_dq, dtype) =>
        dtype === 'int8' ? grid(bits)() : { qmin: -(2 ** 31), qmax: 2 ** 31 - 1 },
      );
      // 3 weights and 3 biases of the MLP become trainable floats.
      expect(fake.map((f) => f.quantized.const!.dtype).sort()).toEqual([
        'int32',
        'int32',
        'int32',
        'int8',
        'int8',
        'int8',
      ]);
      // Float emulation vs integer kernels: equal up to a rounding step of the output.
      expect(maxAbsDiff(tfLogits(m), reference)).toBeLessThan(0.05);
      restoreQuantized(m.graph, fake);
      expect(writeOnnxBytes(m)).toEqual(before);
    });
  }

  for (const [bits, perChannel] of [
    [4, true],
    [3, false],
  ] as const) {
    it(`${bits}-bit ${perChannel ? 'per-channel' : 'per-tensor'}: starting from the float weights (unrounded codes) trains what onnxruntime runs and rounds back to quantize-static's integers`, async () => {
      const { model: quantized, floats } = await ptqWithFloats(bits, perChannel);
      const before = writeOnnxBytes(quantized);
      const reference = await ortLogits(quantized);
      const m = cloneModel(quantized);
      // cloneModel copies values: find each float by its quantized initializer's name.
      const byName = new Map([...floats].map(([v, w]) => [v.name, w]));
      const fake = toFakeQuant(
        m,
        (_dq, dtype) => (dtype === 'int8' ? grid(bits)() : { qmin: -(2 ** 31), qmax: 2 ** 31 - 1 }),
        (q) => byName.get(q.name),
      );
      const weights = fake.filter((f) => f.quantized.const!.dtype === 'int8');
      expect(weights).toHaveLength(3);
      // The trainable codes are the float weights over their steps: not integers.
      const codes = weights.flatMap((f) => [...f.float.const!.toFloat32()]);
      expect(codes.filter((c) => !Number.isInteger(c)).length).toBeGreaterThan(codes.length / 2);
      expect(maxAbsDiff(tfLogits(m), reference)).toBeLessThan(0.05);
      restoreQuantized(m.graph, fake);
      expect(writeOnnxBytes(m)).toEqual(before);
    });
  }

  it('rounds moved floats onto the grid (clamped to the 4-bit codes) and onnxruntime agrees with training', async () => {
    const quantized = await ptq(4, true);
    const m = cloneModel(quantized);
    const fake = toFakeQuant(m, (_dq, dtype) =>
      dtype === 'int8' ? grid(4)() : { qmin: -(2 ** 31), qmax: 2 ** 31 - 1 },
    );
    // Push every weight far out of range in both directions and nudge the rest by a fraction of a step.
    for (const f of fake.filter((x) => x.quantized.const!.dtype === 'int8')) {
      const w = f.float.const!.toFloat32().slice();
      for (let i = 0; i < w.length; i++) w[i] = i % 7 === 0 ? 100 : i % 7 === 1 ? -100 : w[i]! * 1.13;
      m.graph.setConst(f.float, float32Tensor([...f.float.const!.shape], w));
    }
    const trained = tfLogits(m);
    restoreQuantized(m.graph, fake);
    const codes = m.graph
      .initializers()
      .filter((v) => v.const!.dtype === 'int8')
      .flatMap((v) => [...(v.const!.values() as Int8Array)]);
    expect(Math.max(...codes)).toBe(7);
    expect(Math.min(...codes)).toBe(-7);
    expect(maxAbsDiff(await ortLogits(m), trained)).toBeLessThan(0.05);
    expect(maxAbsDiff(await ortLogits(m), await ortLogits(quantized))).toBeGreaterThan(0.1);
  });
});
