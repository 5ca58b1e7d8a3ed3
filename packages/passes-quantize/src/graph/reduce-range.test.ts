// reduceRange: 7-bit weights, so onnxruntime's fused u8s8 kernels (which on x86 without VNNI add
// pairs of products in saturating int16) compute what the Q/DQ graph says.
import { describe, expect, it } from 'vitest';
import type { Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { quantRange, scaleZeroPoint } from '../kernels/params.js';
import { quantizeStatic } from '../passes/quantize-static.js';
import { compareOutputs, randomTensor, residualRelu6Net } from './test-models.js';

const backend = getBackend('ort-node');
const batch = (seed: number) => ({
  feeds: {
    x: { dtype: 'float32' as const, shape: [4, 4, 6, 6], data: randomTensor([4, 4, 6, 6], seed, 2).toFloat32() },
  },
  samples: 4,
});

describe('reduceRange', () => {
  it('uses 7 of the 8 bits: symmetric int8 weights in [-63, 63]', () => {
    expect(quantRange('int8', true, 7)).toEqual({ qmin: -63, qmax: 63 });
    expect(quantRange('uint8', false, 7)).toEqual({ qmin: 0, qmax: 127 });
    expect(quantRange('int8', true)).toEqual({ qmin: -127, qmax: 127 });
    expect(scaleZeroPoint({ min: -1.26, max: 0.5 }, { type: 'int8', symmetric: true, bits: 7 })).toEqual({
      scale: Math.fround(2.52 / 126),
      zeroPoint: 0,
    });
  });
  it('gives fused onnxruntime kernels the exact int8 result', async () => {
    const m = residualRelu6Net();
    const { model: q } = await quantizeStatic(m, backend, [batch(10), batch(11)], { reduceRange: true });
    const weights = q.graph.initializers().filter((v) => v.const!.dtype === 'int8' && v.const!.shape.length === 4);
    expect(weights.length).toBe(3);
    for (const w of weights) {
      const values = [...w.const!.values()].map(Number);
      expect(Math.max(...values.map(Math.abs))).toBe(63);
    }
    const feeds = batch(10).feeds;
    const run = async (x: Model, optimization?: 'none') =>
      (await (await backend.createSession(x, { optimization })).run(feeds)).y!.data as Float32Array;
    const exact = await run(q, 'none');
    const fused = compareOutputs(exact, await run(q));
    // Only requantization rounding differs (a step here and there), never saturation.
    expect(fused.cosine).toBeGreaterThan(0.9999);
    expect(fused.worst / fused.peak).toBeLessThan(0.02);
    expect(compareOutputs(await run(m), exact).cosine).toBeGreaterThan(0.999);
  });
});
