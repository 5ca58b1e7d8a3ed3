// Relu6 (Clip 0..6) after a Conv and Relu after a residual Add fold into the output quantization,
// as onnxruntime's own quantizer does; checked in the graph and in onnxruntime against float.
import { describe, expect, it } from 'vitest';
import { checkModel, cloneModel, type Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { calibrateRanges, quantizeStatic } from '../passes/quantize-static.js';
import { insertQdq } from './insert-qdq.js';
import { compareOutputs, randomTensor, residualRelu6Net } from './test-models.js';

const backend = getBackend('ort-node');
const batch = (seed: number) => ({
  feeds: {
    x: { dtype: 'float32' as const, shape: [4, 4, 6, 6], data: randomTensor([4, 4, 6, 6], seed, 2).toFloat32() },
  },
  samples: 4,
});

describe('clamping activations fold into the quantization', () => {
  it('removes Clip(0, 6) and the Relu after Add; their ranges start at zero point 0', async () => {
    const m = residualRelu6Net();
    const ranges = await calibrateRanges(m, backend, [batch(10), batch(11)], {
      calibration: 'minmax',
      percentile: 99.999,
      histogramBins: 2048,
      activationType: 'uint8',
      activationSymmetric: false,
    });
    expect(ranges.get('a_out')!.max).toBeGreaterThan(6); // the clip does clip
    const q = cloneModel(m);
    const report = insertQdq(q, ranges);
    checkModel(q);
    expect(report.reluFused).toBe(2);
    const ops = [...q.graph].map((n) => n.opType);
    expect(ops).not.toContain('Clip');
    expect(ops).not.toContain('Relu');
    const quantOf = (name: string) =>
      q.graph
        .value(name)!
        .uses()
        .find((u) => u.node.opType === 'QuantizeLinear')!.node;
    for (const [name, max] of [
      ['clip_out', ranges.get('clip_out')!.max],
      ['relu_out', ranges.get('relu_out')!.max],
    ] as const) {
      const ql = quantOf(name);
      expect(Number(ql.inputs[2]!.const!.values()[0])).toBe(0);
      expect(ql.inputs[1]!.const!.toFloat32()[0]).toBeCloseTo(max / 255, 6);
    }
    expect(ranges.get('clip_out')!.max).toBeLessThanOrEqual(6);
    // Conv a now writes clip_out itself
    expect(q.graph.value('clip_out')!.producer()!.opType).toBe('Conv');
  });
  it('computes what the float model computes in onnxruntime (within int8 error)', async () => {
    const m = residualRelu6Net();
    const { model: q } = await quantizeStatic(m, backend, [batch(10), batch(11)], { compactNames: false });
    expect([...q.graph].some((n) => n.opType === 'Clip' || n.opType === 'Relu')).toBe(false);
    const feeds = batch(10).feeds; // inside the calibrated ranges: no saturation at the output
    const run = async (x: Model, optimization?: 'none') =>
      (await (await backend.createSession(x, { optimization })).run(feeds)).y!.data as Float32Array;
    const float = await run(m);
    // Exact int8 arithmetic (every Q/DQ as written): the folded Clip and Relu still clamp.
    const exact = compareOutputs(float, await run(q, 'none'));
    expect(exact.peak).toBeGreaterThan(1);
    expect(exact.worst / exact.peak).toBeLessThan(0.03);
    expect(exact.cosine).toBeGreaterThan(0.9995);
    // Fused integer kernels: on AVX2 without VNNI onnxruntime's u8s8 kernels add pairs of products
    // in saturating int16, so only a looser bound holds on every CPU.
    expect(compareOutputs(float, await run(q)).cosine).toBeGreaterThan(0.97);
  });
});
