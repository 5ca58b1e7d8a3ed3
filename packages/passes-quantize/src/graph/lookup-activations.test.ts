// Sigmoid and LeakyRelu between quantized values get their own output quantization, so onnxruntime
// runs them (and SiLU's Mul) as integer kernels; checked in the graph and in onnxruntime against float.
import { describe, expect, it } from 'vitest';
import type { Model, Node } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { quantizeStatic } from '../passes/quantize-static.js';
import { compareOutputs, randomTensor, siluLeakyNet } from './test-models.js';

const backend = getBackend('ort-node');
const batch = (seed: number) => ({
  feeds: {
    x: { dtype: 'float32' as const, shape: [4, 4, 6, 6], data: randomTensor([4, 4, 6, 6], seed, 2).toFloat32() },
  },
  samples: 4,
});
const quantize = (options: { quantizeOthers?: boolean } = {}) =>
  quantizeStatic(siluLeakyNet(), backend, [batch(10), batch(11)], { compactNames: false, ...options });

/** Does every input and output of `n` pass through a DequantizeLinear / QuantizeLinear? */
function integerBothSides(n: Node): boolean {
  const inputs = n.inputs.every((v) => v?.producer()?.opType === 'DequantizeLinear');
  const outputs = n.outputs.every((v) => v?.uses().every((u) => u.node.opType === 'QuantizeLinear'));
  return inputs && outputs;
}

describe('lookup activations (Sigmoid, LeakyRelu) are quantized on both sides', () => {
  it('puts Sigmoid, LeakyRelu and the SiLU Mul between DQ and Q', async () => {
    const { model } = await quantize();
    const node = (op: string) => [...model.graph].find((n) => n.opType === op)!;
    for (const op of ['Sigmoid', 'LeakyRelu', 'Mul']) expect(integerBothSides(node(op)), op).toBe(true);
    // Sigmoid's own scale: its range is inside [0, 1]
    const q = node('Sigmoid').outputs[0]!.uses()[0]!.node;
    expect(q.inputs[1]!.const!.toFloat32()[0]).toBeLessThanOrEqual(1 / 255 + 1e-9);
    // quantizeOthers: false keeps them float (the option still means what it says)
    const { model: plain } = await quantize({ quantizeOthers: false });
    const sig = [...plain.graph].find((n) => n.opType === 'Sigmoid')!;
    expect(integerBothSides(sig)).toBe(false);
  });
  it('computes what the float model computes in onnxruntime (within int8 error)', async () => {
    const m = siluLeakyNet();
    const { model: q } = await quantize();
    const feeds = batch(10).feeds;
    const run = async (x: Model, optimization?: 'none') =>
      (await (await backend.createSession(x, { optimization })).run(feeds)).y!.data as Float32Array;
    const float = await run(m);
    const exact = compareOutputs(float, await run(q, 'none'));
    expect(exact.peak).toBeGreaterThan(0.5);
    expect(exact.worst / exact.peak).toBeLessThan(0.04);
    expect(exact.cosine).toBeGreaterThan(0.999);
    // fused integer kernels: only a looser bound holds on AVX2 without VNNI (u8s8 int16 saturation)
    expect(compareOutputs(float, await run(q)).cosine).toBeGreaterThan(0.97);
  });
});
