import { cloneModel, type Model } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import { testPassContext } from '@enxuto/pass/testing';
import { getBackend } from '@enxuto/runtime/node';
import { describe, expect, it } from 'vitest';
import { gemmMlp, seeded } from '../test-models.js';
import { pruneMagnitude, pruneMagnitudeOptions } from './prune-magnitude.js';
import { storeSparse, storeSparseOptions } from './store-sparse.js';

const weights = (m: Model, name: string) => [...m.graph.value(name)!.const!.toFloat32()];

describe('store-sparse', () => {
  it('writes a pruned weight as a sparse initializer that onnxruntime reads with the same results', async () => {
    const m = gemmMlp();
    await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({ sparsity: 0.9, scope: 'layer', firstLayer: 1, lastLayer: 1 }),
      testPassContext(),
    );
    const dense = cloneModel(m);
    const r = await storeSparse.run(m, storeSparseOptions.parse({ minElements: 16 }), testPassContext());
    expect((r.stats.tensors as unknown[]).length).toBe(3);
    const bytes = writeOnnxBytes(m);
    expect(bytes.length).toBeLessThan(writeOnnxBytes(dense).length);
    const back = readOnnx(bytes);
    expect([...back.graph.value('fc2.w')!.const!.toFloat32()]).toEqual(weights(dense, 'fc2.w'));
    const rnd = seeded(4);
    const x = { dtype: 'float32' as const, shape: [2, 4], data: Float32Array.from({ length: 8 }, () => rnd()) };
    const run = async (input: Model | Uint8Array) => {
      const s = await getBackend('ort-node').createSession(input);
      const o = await s.run({ x });
      await s.release();
      return [...(Object.values(o)[0]!.data as Float32Array)];
    };
    expect(await run(bytes)).toEqual(await run(dense));
  });
});
