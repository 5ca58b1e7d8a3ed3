import { attr, checkModel, Model, tensorFromValues, tensorType, type Graph, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { dequantizeForFloatRuntime, hasQdqNodes } from './dequantize-for-float-runtime.js';

const init = (
  g: Graph,
  name: string,
  dtype: 'float32' | 'int8' | 'uint8' | 'int32',
  shape: number[],
  v: number[],
): Value => g.addInitializer(name, tensorFromValues(dtype, shape, v));

/**
 * x[1, 4] -> MatMul(DQ(int8 W[4, 3], per-column scales)) + DQ(int32 bias) -> Q/DQ (uint8, zp 0:
 * a folded Relu) -> MatMul(DQ(W2)) -> Q/DQ (int8, zp 0) -> y.
 */
function qdqMlp(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', [1, 4]));
  const dq = (name: string, q: Value, s: Value, z: Value | null, axis?: number) =>
    g
      .addNode({
        opType: 'DequantizeLinear',
        inputs: z ? [q, s, z] : [q, s],
        outputs: [name],
        ...(axis !== undefined ? { attributes: { axis: attr.int(axis) } } : {}),
      })
      .output();
  const w = dq(
    'w',
    init(g, 'w_q', 'int8', [4, 3], [1, -2, 3, 4, -5, 6, -7, 8, 9, 10, -11, 12]),
    init(g, 'w_s', 'float32', [3], [0.5, 0.25, 0.125]),
    init(g, 'w_z', 'int8', [3], [0, 0, 0]),
    1,
  );
  const b = dq(
    'b',
    init(g, 'b_q', 'int32', [3], [4, -8, 16]),
    init(g, 'b_s', 'float32', [], [0.25]),
    init(g, 'b_z', 'int32', [], [0]),
  );
  const mm = g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['mm'] }).output();
  const add = g.addNode({ opType: 'Add', inputs: [mm, b], outputs: ['add'] }).output();
  const s1 = init(g, 's1', 'float32', [], [0.05]);
  const z1 = init(g, 'z1', 'uint8', [], [0]);
  const q1 = g.addNode({ opType: 'QuantizeLinear', inputs: [add, s1, z1], outputs: ['q1'] }).output();
  const h = dq('h', q1, s1, z1);
  const w2 = dq(
    'w2',
    init(g, 'w2_q', 'int8', [3, 2], [3, -1, 2, 5, -4, 1]),
    init(g, 'w2_s', 'float32', [], [0.1]),
    null,
  );
  const mm2 = g.addNode({ opType: 'MatMul', inputs: [h, w2], outputs: ['mm2'] }).output();
  const s2 = init(g, 's2', 'float32', [], [0.02]);
  const z2 = init(g, 'z2', 'int8', [], [0]);
  const q2 = g.addNode({ opType: 'QuantizeLinear', inputs: [mm2, s2, z2], outputs: ['q2'] }).output();
  const y = dq('y', q2, s2, z2);
  y.type = tensorType('float32', [1, 2]);
  g.setOutputs([y]);
  checkModel(m);
  return m;
}

async function run(m: Model, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(writeOnnxBytes(m));
  const out = await s.run({ x: new ort.Tensor('float32', x, [1, 4]) });
  return out[s.outputNames[0]!]!.data as Float32Array;
}

describe('dequantizeForFloatRuntime', () => {
  it('folds constant DQs (per-axis weights, int32 bias), removes Q/DQ pairs, keeps the zero clamp as a Relu', async () => {
    const m = qdqMlp();
    const x = Float32Array.from([0.3, -0.7, 0.2, 0.9]);
    const before = await run(m, x);
    const stats = dequantizeForFloatRuntime(m);
    checkModel(m);
    expect(stats).toEqual({ constantsDequantized: 3, pairsRemoved: 2, clampsAdded: 1 });
    expect(hasQdqNodes(m)).toBe(false);
    expect([...m.graph].map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Relu', 'MatMul']);
    // Per-column scales along axis 1 (W[1][2] = 6 * 0.125); the int32 bias is 0.25 * q.
    expect(Array.from(m.graph.value('w')!.const!.toFloat32())).toEqual([
      0.5, -0.5, 0.375, 2, -1.25, 0.75, -3.5, 2, 1.125, 5, -2.75, 1.5,
    ]);
    expect(Array.from(m.graph.value('b')!.const!.toFloat32())).toEqual([1, -2, 4]);
    // No integer initializer is left; the interface keeps its names.
    expect(m.graph.initializers().every((v) => v.const!.dtype === 'float32')).toBe(true);
    expect(m.graph.outputs[0]!.name).toBe('y');
    // Only activation rounding is gone: within a step of the two activation scales.
    const after = await run(m, x);
    for (let i = 0; i < 2; i++) expect(Math.abs(after[i]! - before[i]!)).toBeLessThan(0.05);
    // The clamp matters: an input driving the first layer negative gives the same (clamped) result.
    const neg = Float32Array.from([-1, 1, -1, -1]);
    const [b2, a2] = [await run(qdqMlp(), neg), await run(m, neg)];
    for (let i = 0; i < 2; i++) expect(Math.abs(a2[i]! - b2[i]!)).toBeLessThan(0.05);
  });

  it('adds no Relu where the input already is one, and leaves a Q whose output stays integer', () => {
    const m = new Model();
    m.opsetImports.set('', 13);
    const g = m.graph;
    const x = g.addInput('x', tensorType('float32', [1, 4]));
    const r = g.addNode({ opType: 'Relu', inputs: [x], outputs: ['r'] }).output();
    const s = init(g, 's', 'float32', [], [0.1]);
    const z = init(g, 'z', 'uint8', [], [0]);
    const q = g.addNode({ opType: 'QuantizeLinear', inputs: [r, s, z], outputs: ['q'] }).output();
    const d = g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: ['d'] }).output();
    const t = g.addNode({ opType: 'Tanh', inputs: [d], outputs: ['t'] }).output();
    const q2 = g.addNode({ opType: 'QuantizeLinear', inputs: [t, s, z], outputs: ['q2'] }).output();
    q2.type = tensorType('uint8', [1, 4]);
    g.setOutputs([q2]);
    const stats = dequantizeForFloatRuntime(m);
    checkModel(m);
    expect(stats).toEqual({ constantsDequantized: 0, pairsRemoved: 1, clampsAdded: 0 });
    expect([...g].map((n) => n.opType)).toEqual(['Relu', 'Tanh', 'QuantizeLinear']);
    expect(hasQdqNodes(m)).toBe(true);
  });
});
