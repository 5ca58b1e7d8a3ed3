// The graph passes on a real model: outputs through onnxruntime-node unchanged within 1e-5.
import { checkModel, type Model } from '@enxuto/ir';
import { readFileSync } from 'node:fs';
import { readOnnx } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { passes } from './index.js';
import { testPassContext } from '@enxuto/pass/testing';

const MNIST = () => sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');

async function outputsOf(model: Model, input: Float32Array): Promise<Float32Array> {
  const session = await getBackend('ort-node').createSession(model);
  try {
    const name = session.inputs[0]!.name;
    const out = await session.run({ [name]: { dtype: 'float32', shape: [1, 1, 28, 28], data: input } });
    return Object.values(out)[0]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function digitLike(seed: number): Float32Array {
  // A deterministic blob of 0-255 pixels, like the model's inputs.
  const x = new Float32Array(28 * 28);
  for (let i = 0; i < x.length; i++) x[i] = (i * 7919 + seed * 104729) % 997 > 700 ? 255 : 0;
  return x;
}

describe('graph passes on onnx-mnist-8', () => {
  it('keep outputs within 1e-5 and remove what they should', async () => {
    const bytes = new Uint8Array(readFileSync(MNIST()));
    const reference = readOnnx(bytes, { file: 'mnist.onnx' });
    let model = readOnnx(bytes, { file: 'mnist.onnx' });
    const stats: Record<string, unknown> = {};
    for (const pass of passes) {
      const options = pass.options.parse({});
      const r = await pass.run(model, options, testPassContext());
      checkModel(r.model);
      model = r.model;
      stats[pass.name] = r.stats;
    }
    // mnist-8 reshapes a constant weight (Parameter193 -> [256, 10]): fold-constants computes it.
    expect((stats['fold-constants'] as { folded: number }).folded).toBeGreaterThanOrEqual(1);
    expect([...model.graph].some((n) => n.opType === 'Reshape' && n.inputs.every((v) => v?.isInitializer()))).toBe(
      false,
    );
    for (const seed of [1, 2, 3]) {
      const x = digitLike(seed);
      const [a, b] = await Promise.all([outputsOf(reference, x), outputsOf(model, x)]);
      expect(b.length).toBe(10);
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a[i]!)));
    }
  });
});

describe('fold-batchnorm through onnxruntime', () => {
  it('keeps Conv+BN and Gemm+BN outputs within 1e-5', async () => {
    const { convBnModel, gemmBnModel } = await import('@enxuto/transforms/testing');
    const { foldBatchnorm } = await import('./passes/fold-batchnorm.js');
    const backend = getBackend('ort-node');
    const cases = [
      { make: convBnModel, shape: [1, 2, 2, 2] },
      { make: gemmBnModel, shape: [1, 3] },
    ];
    for (const { make, shape } of cases) {
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 1) * 3);
      const run = async (m: Model) => {
        m.opsetImports.set('', 13);
        m.irVersion = 8;
        const s = await backend.createSession(m);
        try {
          return Object.values(await s.run({ x: { dtype: 'float32', shape, data: x } }))[0]!.data as Float32Array;
        } finally {
          await s.release();
        }
      };
      const before = await run(make());
      const folded = (await foldBatchnorm.run(make(), {}, testPassContext())).model;
      expect([...folded.graph].some((n) => n.opType === 'BatchNormalization')).toBe(false);
      const after = await run(folded);
      expect(after.length).toBe(before.length);
      for (let i = 0; i < before.length; i++)
        expect(Math.abs(after[i]! - before[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(before[i]!)));
    }
  });
});
