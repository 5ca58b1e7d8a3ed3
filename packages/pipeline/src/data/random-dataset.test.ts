import type { DataType, Dim } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import type { ModelInput } from './random-dataset.js';
import { openDataset } from './open-dataset.js';
import { describeFailure } from './describe-failure.js';

describe('random datasets', () => {
  it('are deterministic per seed and per sample, in any access order', () => {
    const spec = { type: 'random', shape: [1, 3, 4, 4], count: 5, seed: 9 };
    const a = openDataset(spec);
    const b = openDataset(spec);
    expect(a.shape).toEqual([3, 4, 4]);
    expect(Array.from(b.sample(3).input)).toEqual(Array.from(a.sample(3).input));
    expect(Array.from(a.sample(4).input)).not.toEqual(Array.from(a.sample(3).input));
    const other = openDataset({ ...spec, seed: 10 });
    expect(Array.from(other.sample(3).input)).not.toEqual(Array.from(a.sample(3).input));
    const shuffled = [...a.batches(5, { shuffle: true, seed: 1 })][0]!;
    const k = shuffled.indices.indexOf(3);
    expect(Array.from(shuffled.input.subarray(k * 48, (k + 1) * 48))).toEqual(Array.from(a.sample(3).input));
  });

  it('draws uniform values in [min, max] and normals with the given mean and std', () => {
    const uniform = openDataset({ type: 'random', shape: [1000], count: 4, min: -2, max: 3 });
    const u = [...uniform.batches(4)][0]!.input;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThanOrEqual(3);
    expect(Math.min(...u)).toBeLessThan(-1.9);
    expect(Math.max(...u)).toBeGreaterThan(2.9);
    const normal = openDataset({ type: 'random', shape: [10_000], count: 1, distribution: 'normal', mean: 5, std: 2 });
    const x = normal.sample(0).input;
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean - 5)).toBeLessThan(0.1);
    expect(Math.abs(std - 2)).toBeLessThan(0.1);
  });

  it('adds seeded labels when numClasses is given and checks min <= max', () => {
    const ds = openDataset({ type: 'random', shape: [2], count: 50, numClasses: 4 });
    const labels = [...ds.batches(50)][0]!.labels!;
    expect(new Set(labels).size).toBe(4);
    expect(Math.max(...labels)).toBe(3);
    expect(describeFailure(() => openDataset({ type: 'random', shape: [2], min: 1, max: 0 }))).toMatch(
      /data\.max: min must not exceed max/,
    );
    expect(describeFailure(() => openDataset({ type: 'random', shape: [2, -1] }))).toMatch(/data\.shape: dimension -1/);
  });
});

describe('random datasets without a shape', () => {
  const input = (shape: Dim[] | undefined, dtype: DataType = 'float32', quantized = false): ModelInput => ({
    name: 'x',
    shape,
    dtype,
    quantized,
  });

  it("take the model input's fixed dims, with a symbolic batch dim", () => {
    const ds = openDataset({ type: 'random', count: 2 }, { modelInput: input(['N', 3, 8, 8]) });
    expect(ds.shape).toEqual([3, 8, 8]);
    expect(ds.sample(0).input).toHaveLength(192);
    expect(ds.description).toMatch(/shape of input x/);
    const same = openDataset({ type: 'random', count: 2, shape: [1, 3, 8, 8] });
    expect(Array.from(ds.sample(1).input)).toEqual(Array.from(same.sample(1).input));
    expect(openDataset({ type: 'random' }, { modelInput: input([1, 4], 'uint8', true) }).shape).toEqual([4]);
  });

  it('name the field to fill when the model does not fix the shape, or is not known', () => {
    expect(describeFailure(() => openDataset({ type: 'random' }))).toMatch(/data\.shape: .*no model is known/);
    expect(describeFailure(() => openDataset({ type: 'random' }, { modelInput: input(['N', 3, 'h', 'w']) }))).toMatch(
      /data\.shape: model input x has a dimension h at position 2 that is not fixed: give data\.shape/,
    );
    expect(describeFailure(() => openDataset({ type: 'random' }, { modelInput: input(undefined) }))).toMatch(
      /declares no shape/,
    );
    expect(describeFailure(() => openDataset({ type: 'random' }, { modelInput: input([1, 8], 'int64') }))).toMatch(
      /random data gives real values, but model input x is int64/,
    );
  });
});
