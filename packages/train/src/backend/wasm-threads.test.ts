import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { initBackend, wasmThreadCount } from '../node.js';
import { ADAM_UPDATE } from '../train/fused-updates.js';
import { createOptimizer } from '../train/optimizers.js';

it('the threaded wasm build starts in Node with the threads asked for and computes the same product', async () => {
  await initBackend('wasm', { threads: 2 });
  expect(tf.getBackend()).toBe('wasm');
  expect(wasmThreadCount()).toBe(2);
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
  expect([...tf.matMul(a, b).dataSync()]).toEqual([4, 5, 10, 11]);
  // A product large enough for XNNPACK to split it across the pool.
  const x = tf.ones([64, 256]);
  const w = tf.fill([256, 512], 0.5);
  const y = tf.matMul(x, w).dataSync();
  expect(y.every((v) => v === 128)).toBe(true);
});

it('the fused optimizer updates run on the threaded build too (its memory is imported, not exported)', () => {
  // Runs after the test above: the backend is the threaded one.
  const n = 1027;
  const start = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const grad = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
  const step = (): Float32Array => {
    const variable = tf.variable(tf.tensor(start, [n]));
    const opt = createOptimizer({ type: 'adam' }, [{ name: 'w', variable }]);
    const g = tf.tensor(grad, [n]);
    opt.step(new Map([['w', g]]), 0.05);
    const out = Float32Array.from(variable.dataSync() as Float32Array);
    tf.dispose([g, variable]);
    opt.dispose();
    return out;
  };
  const fused = step();
  const kernel = tf.getKernel(ADAM_UPDATE, 'wasm')!;
  tf.unregisterKernel(ADAM_UPDATE, 'wasm');
  const ops = step();
  tf.registerKernel(kernel);
  for (let i = 0; i < n; i++) expect(fused[i]).toBeCloseTo(ops[i]!, 5);
  // Adam's first step moves every weight by about lr.
  expect(Math.abs(fused[5]! - start[5]!)).toBeGreaterThan(0.04);
});
