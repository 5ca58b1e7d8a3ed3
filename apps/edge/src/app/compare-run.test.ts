import type { Session, TensorData } from '@enxuto/runtime';
import { describe, expect, it } from 'vitest';
import { compareModels, type ComparedModel } from './compare-run.js';
import type { LoadedModel } from './model-source.js';

/** A fake digit model: scores = [sum of its input * weight_k] for 3 classes; records inputs. */
function fakeDigitModel(name: string, weights: number[], seen: Float32Array[]): Session {
  return {
    inputs: [{ name: `${name}-in`, dtype: 'float32', shape: [1, 1, 28, 28] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, 3] }],
    async run(feeds: Record<string, TensorData>) {
      const x = Object.values(feeds)[0]!.data as Float32Array;
      seen.push(x);
      let s = 0;
      for (const v of x) s += v;
      return { y: { dtype: 'float32', shape: [1, 3], data: Float32Array.from(weights, (w) => w * s) } };
    },
    release: async () => {},
  };
}

const model = (name: string): LoadedModel => ({ id: name, name, source: 'bundled', size: 1, model: new Uint8Array() });

describe('compareModels', () => {
  it('feeds both models the same digit variants, each in its own pixel range', async () => {
    const seenA: Float32Array[] = [],
      seenB: Float32Array[] = [];
    const digit = new Float32Array(784);
    digit[14 * 28 + 14] = 1;
    const a: ComparedModel = {
      model: model('a'),
      session: fakeDigitModel('a', [1, 2, 3], seenA),
      pixelRange: 255,
      currentFeeds: {},
    };
    const b: ComparedModel = {
      model: model('b'),
      session: fakeDigitModel('b', [1, 2, 2.5], seenB),
      pixelRange: 1,
      currentFeeds: {},
    };
    const r = await compareModels(a, b, { samples: 3, runs: 2, digit });
    // 3 comparison runs each, then 2 warm-up + 2 timed on the first input.
    expect(seenA).toHaveLength(7);
    expect(seenB).toHaveLength(7);
    for (let i = 0; i < 3; i++) {
      expect(Array.from(seenA[i]!, (v) => v / 255)).toEqual(Array.from(seenB[i]!));
    }
    expect(seenA[1]![14 * 28 + 15]).toBe(255); // the second input is the digit shifted right by one
    expect(r.diff.samples).toBe(3);
    expect(r.diff.top1Agreement).toBe(1);
    expect(r.top1).toEqual([2, 2]);
    expect(r.diff.maxAbsDiff).toBeCloseTo(3 * 255 - 2.5, 4);
    expect(r.latency[0].runs).toBe(2);
  });

  it('refuses models whose inputs differ, naming both signatures', async () => {
    const generic = (shape: number[]): Session => ({
      inputs: [{ name: 'x', dtype: 'float32', shape }],
      outputs: [],
      run: async () => ({}),
      release: async () => {},
    });
    const a: ComparedModel = { model: model('a'), session: generic([1, 4]), pixelRange: 1, currentFeeds: {} };
    const b: ComparedModel = { model: model('b'), session: generic([1, 5]), pixelRange: 1, currentFeeds: {} };
    await expect(compareModels(a, b, { samples: 1, runs: 1, digit: null })).rejects.toThrow(
      'float32[1,4] vs float32[1,5]',
    );
  });
});
