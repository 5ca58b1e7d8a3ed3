import { cloneModel, checkModel, type Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { readOnnxFile } from '@enxuto/onnx/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { countFlops } from '../graph/flops.js';
import { convNet, reshapeNet, seeded, WEAK } from '../test-models.js';
import { testPassContext } from '@enxuto/pass/testing';
import { pruneChannels, pruneChannelsOptions } from './prune-channels.js';

async function runOrt(
  model: Model,
  outputs: string[],
  input: Float32Array,
  shape: number[],
): Promise<Record<string, Float32Array>> {
  const m = cloneModel(model);
  for (const name of outputs)
    if (!m.graph.outputs.some((o) => o.name === name)) m.graph.addOutput(m.graph.value(name)!);
  const s = await getBackend('ort-node').createSession(m);
  try {
    const r = await s.run({ x: { dtype: 'float32', shape, data: input } }, outputs);
    return Object.fromEntries(outputs.map((o) => [o, r[o]!.data as Float32Array]));
  } finally {
    await s.release();
  }
}

/** Keeps channels `keep` of a [1, C, ...] tensor. */
function channels(data: Float32Array, c: number, keep: number[]): number[] {
  const per = data.length / c;
  return keep.flatMap((k) => [...data.subarray(k * per, (k + 1) * per)]);
}

const complement = (n: number, drop: number[]) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !drop.includes(i));

describe('prune-channels', () => {
  it('removes the weak filters and keeps the kept channels bit-for-bit (onnxruntime)', async () => {
    const dense = convNet();
    const pruned = cloneModel(dense);
    const r = await pruneChannels.run(pruned, pruneChannelsOptions.parse({ ratio: 0.5 }), testPassContext());
    checkModel(pruned);
    const g = pruned.graph;
    expect(g.value('conv1.w')!.const!.shape).toEqual([4, 3, 3, 3]);
    expect(g.value('conv2.w')!.const!.shape).toEqual([4, 4, 3, 3]);
    expect(g.value('conv3.w')!.const!.shape).toEqual([3, 4, 1, 1]);
    expect(g.value('bn1.scale')!.const!.shape).toEqual([4]);
    // Concat of 4 + 3 channels, pooled to 4x4: 112 features; fc1 keeps 5 of 10 neurons.
    expect(g.value('fc1.w')!.const!.shape).toEqual([112, 5]);
    expect(g.value('fc2.w')!.const!.shape).toEqual([5, 5]);
    expect(g.value('fc2.b')!.const!.shape).toEqual([5]); // output layer left whole
    expect(r.stats.flopsRatio as number).toBeLessThan(0.4);

    const rnd = seeded(9);
    const x = Float32Array.from({ length: 3 * 64 }, () => rnd());
    const names = ['relu1.out', 'add.out', 'relu3.out', 'relu4.out', 'fc2.out'];
    const a = await runOrt(dense, names, x, [1, 3, 8, 8]);
    const b = await runOrt(pruned, names, x, [1, 3, 8, 8]);
    const keep12 = complement(8, WEAK.conv12);
    expect(b['relu1.out']!.length).toBe(4 * 64);
    expect([...b['relu1.out']!]).toEqual(channels(a['relu1.out']!, 8, keep12));
    expect(b['relu3.out']!.length).toBe(3 * 64);
    expect(b['relu4.out']!.length).toBe(5);
  });

  it('gives the same network outputs when the removed channels were exactly zero (onnxruntime)', async () => {
    const dense = convNet(1, true);
    const pruned = cloneModel(dense);
    await pruneChannels.run(pruned, pruneChannelsOptions.parse({ ratio: 0.5 }), testPassContext());
    expect(pruned.graph.value('fc1.w')!.const!.shape).toEqual([112, 5]);
    const rnd = seeded(5);
    const x = Float32Array.from({ length: 3 * 64 }, () => rnd());
    const names = ['add.out', 'relu3.out', 'fc2.out'];
    const a = await runOrt(dense, names, x, [1, 3, 8, 8]);
    const b = await runOrt(pruned, names, x, [1, 3, 8, 8]);
    channels(a['add.out']!, 8, complement(8, WEAK.conv12)).forEach((v, i) =>
      expect(b['add.out']![i]).toBeCloseTo(v, 5),
    );
    channels(a['relu3.out']!, 6, complement(6, WEAK.conv3)).forEach((v, i) =>
      expect(b['relu3.out']![i]).toBeCloseTo(v, 5),
    );
    [...a['fc2.out']!].forEach((v, i) => expect(b['fc2.out']![i]).toBeCloseTo(v, 5));
  });

  it('rewrites a Reshape shape constant and the MatMul rows behind it', async () => {
    const dense = reshapeNet();
    const pruned = cloneModel(dense);
    const r = await pruneChannels.run(pruned, pruneChannelsOptions.parse({ ratio: 0.5 }), testPassContext());
    const g = pruned.graph;
    expect([...g.value('conv.w')!.const!.shape]).toEqual([2, 1, 3, 3]);
    expect([...g.value('fc.w')!.const!.shape]).toEqual([72, 3]);
    const shapeInput = g.nodes.find((n) => n.opType === 'Reshape')!.input(1)!.const!;
    expect([...shapeInput.values()].map(Number)).toEqual([-1, 72]);
    expect(r.stats.flopsAfter).toBe(countFlops(g).flops);
    const rnd = seeded(3);
    const x = Float32Array.from({ length: 36 }, () => rnd());
    const a = await runOrt(dense, ['relu.out', 'fc.out'], x, [1, 1, 6, 6]);
    const b = await runOrt(pruned, ['relu.out', 'fc.out'], x, [1, 1, 6, 6]);
    expect([...b['relu.out']!]).toEqual(channels(a['relu.out']!, 4, [0, 3]));
    expect(b['fc.out']!.length).toBe(3);
  });

  it('prunes onnx-mnist-8: folds its Reshape-fed MatMul weight, fixes the flatten Reshape, halves conv FLOPs', async () => {
    const dense = await readOnnxFile(sharedPath('models/onnx-mnist-8/mnist.onnx'));
    const pruned = cloneModel(dense);
    const r = await pruneChannels.run(pruned, pruneChannelsOptions.parse({ ratio: 0.5 }), testPassContext());
    checkModel(pruned);
    const layers = r.stats.layers as { name: string; channels: number; kept: number }[];
    expect(layers.map((l) => [l.channels, l.kept])).toEqual([
      [8, 4],
      [16, 8],
      [10, 10],
    ]);
    expect(r.stats.flopsRatio as number).toBeLessThan(0.35);
    const matmul = pruned.graph.nodes.find((n) => n.opType === 'MatMul')!;
    expect([...matmul.input(1)!.const!.shape]).toEqual([128, 10]);
    const s = await getBackend('ort-node').createSession(writeOnnxBytes(pruned));
    const out = await s.run({
      Input3: { dtype: 'float32', shape: [1, 1, 28, 28], data: new Float32Array(784).fill(50) },
    });
    await s.release();
    expect(Object.values(out)[0]!.shape).toEqual([1, 10]);
  });

  it('leaves layers whole by pattern and keeps graph outputs untouched', async () => {
    const m = convNet();
    const r = await pruneChannels.run(
      m,
      pruneChannelsOptions.parse({ ratio: 0.5, exclude: ['conv3'] }),
      testPassContext(),
    );
    expect(m.graph.value('conv3.w')!.const!.shape).toEqual([6, 4, 1, 1]);
    const layers = r.stats.layers as { name: string; kept: number; leftWhole?: string }[];
    expect(layers.find((l) => l.name === 'fc2')!.leftWhole).toMatch(/graph output/);
  });

  it('ties residual producers: conv1 and conv2 keep the same channels', async () => {
    const m = convNet();
    const r = await pruneChannels.run(m, pruneChannelsOptions.parse({ ratio: 0.25 }), testPassContext());
    const layers = r.stats.layers as { name: string; kept: number }[];
    expect(layers.find((l) => l.name === 'conv1')!.kept).toBe(6);
    expect(layers.find((l) => l.name === 'conv2')!.kept).toBe(6);
  });
});
