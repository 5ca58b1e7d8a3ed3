import { describe, expect, it } from 'vitest';
import { createDataset, type Batch } from './dataset.js';
import { ConfigError } from '@enxuto/ir';

/** 10 samples of shape [2, 3]; sample i is filled with i, labelled i % 3. */
const toy = createDataset({
  description: 'toy',
  size: 10,
  shape: [2, 3],
  hasLabels: true,
  numClasses: 3,
  sample: (i) => ({ input: new Float32Array(6).fill(i), label: i % 3 }),
});

const firstValues = (b: Batch) => Array.from(b.indices, (_, k) => b.input[k * 6]);

describe('createDataset batching', () => {
  it('yields batch-major batches with the batch dim first and a short last batch', () => {
    const batches = [...toy.batches(4)];
    expect(batches.map((b) => b.shape)).toEqual([
      [4, 2, 3],
      [4, 2, 3],
      [2, 2, 3],
    ]);
    expect(batches[1]!.input.length).toBe(24);
    expect(firstValues(batches[1]!)).toEqual([4, 5, 6, 7]);
    expect(Array.from(batches[2]!.labels!)).toEqual([8 % 3, 9 % 3]);
    // Every value of sample k sits in its own contiguous block.
    expect(Array.from(batches[0]!.input.subarray(6, 12))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('drops a short last batch on request', () => {
    expect([...toy.batches(4, { dropLast: true })].map((b) => b.shape[0])).toEqual([4, 4]);
  });

  it('shuffles with a seed: same seed same order, other seed other order, every sample once', () => {
    const order = (seed: number) => [...toy.batches(3, { shuffle: true, seed })].flatMap((b) => [...b.indices]);
    const a = order(1);
    expect(order(1)).toEqual(a);
    expect(order(2)).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const batch = [...toy.batches(10, { shuffle: true, seed: 1 })][0]!;
    // Inputs and labels follow the shuffled indices.
    expect(firstValues(batch)).toEqual([...batch.indices]);
    expect(Array.from(batch.labels!)).toEqual([...batch.indices].map((i) => i % 3));
  });

  it('leaves labels out of unlabelled data', () => {
    const plain = createDataset({
      description: 'plain',
      size: 2,
      shape: [1],
      hasLabels: false,
      sample: () => ({ input: new Float32Array(1) }),
    });
    expect([...plain.batches(2)][0]!.labels).toBeUndefined();
  });

  it('rejects bad batch sizes and out-of-range indices with a ConfigError naming the field', () => {
    expect(() => [...toy.batches(0)]).toThrow(ConfigError);
    expect(() => [...toy.batches(1.5)]).toThrowError(expect.objectContaining({ field: 'batchSize' }));
    expect(() => toy.sample(10)).toThrowError(/outside \[0, 10\)/);
    expect(() => toy.sample(-1)).toThrow(ConfigError);
  });

  it('refuses a sample whose length does not match the declared shape', () => {
    const wrong = createDataset({
      description: 'wrong',
      size: 1,
      shape: [4],
      hasLabels: false,
      sample: () => ({ input: new Float32Array(3) }),
    });
    expect(() => wrong.sample(0)).toThrowError(/3 values, shape \[4\] needs 4/);
  });
});
