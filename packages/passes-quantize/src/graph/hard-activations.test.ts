// HardSwish / HardSigmoid between quantized values become QLinearAdd/QLinearMul-shaped ops (onnxruntime
// has no integer HardSwish), checked in the graph and in onnxruntime against the float model.
import { describe, expect, it } from 'vitest';
import type { Model, Node } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { quantizeStatic } from '../passes/quantize-static.js';
import { compareOutputs, hardSwishNet, randomTensor } from './test-models.js';

const backend = getBackend('ort-node');
const batch = (seed: number) => ({
  feeds: {
    x: { dtype: 'float32' as const, shape: [4, 4, 6, 6], data: randomTensor([4, 4, 6, 6], seed, 3).toFloat32() },
  },
  samples: 4,
});
const quantize = (options: { quantizeOthers?: boolean; reduceRange?: boolean } = {}) =>
  quantizeStatic(hardSwishNet(), backend, [batch(10), batch(11)], { compactNames: false, ...options });

const fedByDq = (n: Node) => n.inputs.every((v) => v?.producer()?.opType === 'DequantizeLinear');
const feedsQ = (n: Node) => n.outputs.every((v) => v?.uses().every((u) => u.node.opType === 'QuantizeLinear'));
const scaleOf = (n: Node) => n.inputs[1]!.const!.toFloat32()[0]!;

describe('HardSwish / HardSigmoid on quantized values', () => {
  it('become an Add with a clamping Q and, for HardSwish, a Mul, all between DQ and Q', async () => {
    const { model } = await quantize();
    const ops = [...model.graph].map((n) => n.opType);
    expect(ops).not.toContain('HardSwish');
    expect(ops).not.toContain('HardSigmoid');
    const adds = [...model.graph].filter((n) => n.opType === 'Add');
    expect(adds).toHaveLength(2);
    for (const add of adds) {
      expect(fedByDq(add) && feedsQ(add)).toBe(true);
      // The DQ reading the Add's Q scales by alpha: the same codes then mean HardSigmoid's values.
      const q = add.outputs[0]!.uses()[0]!.node;
      const dq = q.outputs[0]!.uses()[0]!.node;
      const alpha = scaleOf(dq) / scaleOf(q);
      expect([1 / 6, 0.2].some((a) => Math.abs(alpha - a) < 1e-6)).toBe(true);
      expect(q.inputs[2]!.const!.values()[0]).toBe(0); // zero point at 0: the Q clamps HardSigmoid at 0
    }
    // HardSwish's Mul, the excite Mul and the pool are integer ops too (QLinearMul, QLinearGlobalAveragePool)
    for (const n of [...model.graph].filter((x) => ['Mul', 'GlobalAveragePool'].includes(x.opType)))
      expect(fedByDq(n) && feedsQ(n), n.label()).toBe(true);
    const { model: plain } = await quantize({ quantizeOthers: false });
    expect([...plain.graph].map((n) => n.opType)).toContain('HardSwish');
  });

  it('computes what the float model computes in onnxruntime (within int8 error)', async () => {
    const { model: q } = await quantize();
    const feeds = batch(12).feeds;
    const run = async (x: Model, optimization?: 'none') =>
      (await (await backend.createSession(x, { optimization })).run(feeds)).y!.data as Float32Array;
    const float = await run(hardSwishNet());
    const exact = compareOutputs(float, await run(q, 'none'));
    expect(exact.peak).toBeGreaterThan(0.5);
    expect(exact.cosine).toBeGreaterThan(0.998);
    // onnxruntime's fused kernels honour the Q/DQ pair with different scales: with 7-bit weights (no
    // int16 saturation on AVX2 without VNNI) they match float as closely as the exact ops do.
    const { model: reduced } = await quantize({ reduceRange: true });
    expect(compareOutputs(float, await run(reduced)).cosine).toBeGreaterThan(0.998);
    expect(compareOutputs(float, await run(q)).cosine).toBeGreaterThan(0.95);
  });
});
