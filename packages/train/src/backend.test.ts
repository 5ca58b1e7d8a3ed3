import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, wasmBinaryDir } from './node.js';
import { existsSync } from 'node:fs';

describe('initBackend', () => {
  it('finds the wasm binaries in node_modules', () => {
    expect(existsSync(`${wasmBinaryDir()}tfjs-backend-wasm-simd.wasm`)).toBe(true);
  });
  it('initialises each backend once and switches between them', async () => {
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await Promise.all([initBackend('wasm'), initBackend('wasm')]);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(tf.tensor1d([1, 2]).add(1).dataSync())).toEqual([2, 3]);
  });
});
