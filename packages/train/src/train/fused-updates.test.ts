// The fused optimizer kernels (SIMD loops over the wasm heap, scalar tails) against the same
// optimizers written with TF.js ops, over sizes with and without a tail of < 4 floats.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdUpdates } from '../backend/simd-updates.js';
import { initBackend } from '../node.js';
import { ADAM_UPDATE, SGD_UPDATE } from './fused-updates.js';
import { createOptimizer, type OptimizerSpec } from './optimizers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

/** Weights after `steps` updates with the given gradients, fused or with TF.js ops. */
function run(spec: OptimizerSpec, n: number, fused: boolean, steps = 3): Float32Array[] {
  const kernels = [SGD_UPDATE, ADAM_UPDATE].map((k) => tf.getKernel(k, 'wasm')!);
  if (!fused) for (const k of kernels) tf.unregisterKernel(k.kernelName, 'wasm');
  try {
    const variable = tf.variable(tf.tensor(values(n, 1), [n]));
    const opt = createOptimizer(spec, [{ name: 'w', variable }]);
    for (let t = 0; t < steps; t++) {
      const g = tf.tensor(values(n, 10 + t), [n]);
      opt.step(new Map([['w', g]]), 0.05);
      g.dispose();
    }
    const out = [
      variable.dataSync() as Float32Array,
      ...[...opt.getState().slots.values()].map((s) => s.dataSync() as Float32Array),
    ];
    opt.dispose();
    variable.dispose();
    return out.map((a) => Float32Array.from(a));
  } finally {
    if (!fused) for (const k of kernels) tf.registerKernel(k);
  }
}

describe('fused optimizer updates on wasm', () => {
  it('run as WebAssembly SIMD in Node', () => {
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
    expect(simdUpdates(memory)).not.toBeNull();
  });

  const specs: [string, OptimizerSpec][] = [
    ['SGD momentum', { type: 'sgd', momentum: 0.9 }],
    ['SGD Nesterov + weight decay', { type: 'sgd', momentum: 0.8, nesterov: true, weightDecay: 0.01 }],
    ['Adam', { type: 'adam' }],
    ['Adam + weight decay', { type: 'adam', beta1: 0.8, beta2: 0.99, weightDecay: 0.001 }],
  ];
  for (const [name, spec] of specs) {
    for (const n of [1, 7, 1024, 1027]) {
      it(`${name}, ${n} weights: the same weights and optimizer state as TF.js ops`, () => {
        const fused = run(spec, n, true);
        const ops = run(spec, n, false);
        expect(fused).toHaveLength(ops.length);
        fused.forEach((a, k) => {
          let worst = 0;
          for (let i = 0; i < n; i++)
            worst = Math.max(worst, Math.abs(a[i]! - ops[k]![i]!) / (1e-3 + Math.abs(ops[k]![i]!)));
          expect(worst).toBeLessThan(1e-5);
        });
        // And the weights did move.
        expect(fused[0]!.some((w, i) => Math.abs(w - values(n, 1)[i]!) > 1e-3)).toBe(true);
      });
    }
  }
});
