// A channel with near-zero weights but a real bias (BatchNorm folded into a dead channel) keeps its
// bias: the weight scale is raised so the int32 bias does not clamp. Checked in onnxruntime.
import { describe, expect, it } from 'vitest';
import { float32Tensor, Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { calibrateRanges } from '../passes/quantize-static.js';
import { insertQdq } from './insert-qdq.js';
import { compareOutputs, randomTensor } from './test-models.js';

/** x[1,4,3,3] -> Conv 1x1 (channel 1: weights 1e-9, bias 2) -> y. */
function deadChannelConv(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 4, 3, 3] });
  const w = randomTensor([2, 4, 1, 1], 1).toFloat32();
  for (let i = 4; i < 8; i++) w[i] = 1e-9 * (i - 5);
  const conv = g.addNode({
    opType: 'Conv',
    name: 'conv',
    inputs: [
      x,
      g.addInitializer('w', float32Tensor([2, 4, 1, 1], w)),
      g.addInitializer('b', float32Tensor([2], [0.1, 2])),
    ],
    outputs: ['c_out'],
  });
  // a second layer, so the conv's own output is quantized like an inner layer's
  const next = g.addNode({
    opType: 'Conv',
    name: 'next',
    inputs: [conv.outputs[0]!, g.addInitializer('w2', randomTensor([2, 2, 1, 1], 2))],
    outputs: ['y'],
  });
  g.setOutputs([next.outputs[0]!]);
  return m;
}

describe('int32 biases fit', () => {
  it('raises the weight scale of a near-dead channel instead of clamping its bias', async () => {
    const m = deadChannelConv();
    const backend = getBackend('ort-node');
    const feeds = {
      x: { dtype: 'float32' as const, shape: [1, 4, 3, 3], data: randomTensor([1, 4, 3, 3], 3, 4).toFloat32() },
    };
    const ranges = await calibrateRanges(m, backend, [{ feeds, samples: 1 }], {
      calibration: 'minmax',
      percentile: 99.999,
      histogramBins: 2048,
      activationType: 'uint8',
      activationSymmetric: false,
    });
    const q = deadChannelConv();
    insertQdq(q, ranges, { minInputChannels: 0, minChannels: 0 });
    const conv = [...q.graph].find((n) => n.name === 'conv')!;
    const bdq = conv.inputs[2]!.producer()!;
    const qb = bdq.inputs[0]!.const!.values() as Int32Array;
    const sb = bdq.inputs[1]!.const!.toFloat32();
    expect(Math.abs(qb[1]!)).toBeLessThan(2 ** 30 + 1);
    expect(qb[1]! * sb[1]!).toBeCloseTo(2, 5);
    const run = async (x: Model) =>
      (await (await backend.createSession(x, { optimization: 'none' })).run(feeds)).y!.data as Float32Array;
    const c = compareOutputs(await run(m), await run(q));
    expect(c.worst / c.peak).toBeLessThan(0.03);
  });
});
