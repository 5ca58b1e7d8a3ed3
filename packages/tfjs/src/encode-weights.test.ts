import { float32Tensor, int64Tensor, stringTensor, tensorFromValues, UnsupportedError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { decodeWeights } from './decode-weights.js';
import { encodeWeight, splitShards } from './encode-weights.js';
import { parseWeightsManifest } from './manifest.js';

function roundTrip(entries: ReturnType<typeof encodeWeight>[]) {
  const manifest = parseWeightsManifest([{ paths: ['a.bin'], weights: entries.map((e) => e.entry) }], {});
  const bytes = new Uint8Array(entries.reduce((s, e) => s + e.bytes.byteLength, 0));
  let o = 0;
  for (const e of entries) {
    bytes.set(e.bytes, o);
    o += e.bytes.byteLength;
  }
  return decodeWeights(manifest, bytes, {});
}

describe('weight encoding', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3 - 0.5);
  const t = float32Tensor([10, 100], values);

  for (const [q, bound] of [
    ['uint8', 6 / 255 / 2],
    ['uint16', 6 / 65535 / 2],
    ['float16', 3.5 * 2 ** -11],
  ] as const) {
    it(`${q}: decodes within half a step of the original`, () => {
      const e = encodeWeight('w', t, q);
      expect(e.entry.quantization?.dtype).toBe(q);
      expect(e.bytes.byteLength).toBe(q === 'uint8' ? 1000 : 2000);
      const back = roundTrip([e]).get('w')!.toFloat32();
      let worst = 0;
      for (let i = 0; i < 1000; i++) worst = Math.max(worst, Math.abs(back[i]! - values[i]!));
      expect(worst).toBeLessThanOrEqual(bound * 1.0001);
      expect(worst).toBeGreaterThan(0);
    });
  }

  it('keeps integer weights exact, never quantized, and int64 as int32', () => {
    const e = encodeWeight('shape', int64Tensor([3], [-1, 256, 0]), 'uint8');
    expect(e.entry).toEqual({ name: 'shape', shape: [3], dtype: 'int32' });
    expect(Array.from(roundTrip([e]).get('shape')!.values() as ArrayLike<number>)).toEqual([-1, 256, 0]);
    // INT64 extremes mean "to the end" in slices: they clamp; other out-of-range values are refused.
    const ends = encodeWeight('ends', int64Tensor([1], [9223372036854775807n]));
    expect(Array.from(roundTrip([ends]).get('ends')!.values() as ArrayLike<number>)).toEqual([2 ** 31 - 1]);
    expect(() => encodeWeight('big', int64Tensor([1], [2 ** 40]))).toThrowError(UnsupportedError);
  });

  it('does not quantize weights holding NaN or Inf (no NaN scale)', () => {
    const e = encodeWeight('bad', tensorFromValues('float32', [2], [1, Number.NaN]), 'uint8');
    expect(e.entry.quantization).toBeUndefined();
  });

  it('a constant tensor gets scale 1, not 0', () => {
    const e = encodeWeight('c', float32Tensor([4], [2, 2, 2, 2]), 'uint8');
    expect(e.entry.quantization).toEqual({ dtype: 'uint8', scale: 1, min: 2 });
    expect(Array.from(roundTrip([e]).get('c')!.toFloat32())).toEqual([2, 2, 2, 2]);
  });

  it('strings and bools round-trip', () => {
    const s = encodeWeight('s', stringTensor([2], ['ab', '']));
    const b = encodeWeight('b', tensorFromValues('bool', [3], [1, 0, 1]));
    const back = roundTrip([s, b]);
    expect(
      back
        .get('s')!
        .strings()
        .map((x) => new TextDecoder().decode(x)),
    ).toEqual(['ab', '']);
    expect(Array.from(back.get('b')!.values() as ArrayLike<number>)).toEqual([1, 0, 1]);
  });

  it('splits into shards of at most the limit, weights spanning shard borders', () => {
    const shards = splitShards([new Uint8Array(5).fill(1), new Uint8Array(7).fill(2)], 4);
    expect(shards.map((s) => Array.from(s))).toEqual([
      [1, 1, 1, 1],
      [1, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
    expect(splitShards([], 4)).toEqual([]);
  });
});
