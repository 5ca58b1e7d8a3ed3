import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { initBackend, wasmThreadCount } from '../node.js';

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
