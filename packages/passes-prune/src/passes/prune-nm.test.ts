import type { Model } from '@enxuto/ir';
import { readOnnxFile } from '@enxuto/onnx/node';
import { testPassContext } from '@enxuto/pass/testing';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { findPrunableLayers } from '../graph/layers.js';
import { satisfiesNm } from '../kernels/nm.js';
import { gemmMlp } from '../test-models.js';
import { pruneNm, pruneNmOptions } from './prune-nm.js';

const weights = (m: Model, name: string) => [...m.graph.value(name)!.const!.toFloat32()];
const zeros = (v: number[]) => v.filter((x) => x === 0).length;

describe('prune-nm', () => {
  it('2:4 along the input dimension of Gemm weights (transB and not), first layer left dense', async () => {
    const m = gemmMlp();
    const r = await pruneNm.run(m, pruneNmOptions.parse({}), testPassContext());
    expect(zeros(weights(m, 'fc1.w'))).toBe(0);
    expect(satisfiesNm(weights(m, 'fc2.w'), [8, 8], 0, 2, 4)).toBe(true);
    expect(zeros(weights(m, 'fc2.w'))).toBe(32);
    expect(satisfiesNm(weights(m, 'fc3.w'), [3, 8], 1, 2, 4)).toBe(true);
    expect(zeros(weights(m, 'fc3.w'))).toBe(12);
    expect(r.stats.pattern).toBe('2:4');
  });

  it('prunes onnx-mnist-8 (a MatMul weight behind a Reshape) and it still runs in onnxruntime', async () => {
    const m = await readOnnxFile(sharedPath('models/onnx-mnist-8/mnist.onnx'));
    const layers = findPrunableLayers(m.graph);
    expect(layers.map((l) => l.op)).toEqual(['Conv', 'Conv', 'MatMul']);
    await pruneNm.run(m, pruneNmOptions.parse({ n: 1, m: 4 }), testPassContext());
    const conv2 = m.graph.value('Parameter87')!.const!;
    expect(satisfiesNm(conv2.toFloat32(), [16, 8, 5, 5], 1, 1, 4)).toBe(true);
    expect(satisfiesNm(m.graph.value('Parameter193')!.const!.toFloat32(), [256, 10], 0, 1, 4)).toBe(true);
    const s = await getBackend('ort-node').createSession(m);
    const out = await s.run({
      Input3: { dtype: 'float32', shape: [1, 1, 28, 28], data: new Float32Array(784).fill(100) },
    });
    await s.release();
    expect(Object.values(out)[0]!.data.length).toBe(10);
  });
});
