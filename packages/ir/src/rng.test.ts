import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation, toSeed32 } from './rng.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
  });

  it('stays in [0, 1) and covers the interval evenly', () => {
    const rng = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]!++;
    }
    // 2,000 expected per bucket; 5 sigma is about 212.
    for (const b of buckets) expect(Math.abs(b - 2000)).toBeLessThan(212);
  });

  it('draws integers below n and normals with mean 0 and std 1', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(5);
    let sum = 0;
    let sq = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.04);
    expect(Math.abs(Math.sqrt(sq / n - (sum / n) ** 2) - 1)).toBeLessThan(0.03);
  });

  it('folds any number into a 32-bit seed, keeping nearby non-integers apart', () => {
    expect(toSeed32(-1)).toBe(0xffffffff);
    expect(toSeed32(0.5)).not.toBe(toSeed32(0.25));
    expect(toSeed32(2 ** 40)).toBe(toSeed32(2 ** 40));
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
    expect(deriveSeed(1, 5)).toBe(deriveSeed(1, 5));
  });
});

describe('permutation', () => {
  it('is a seeded permutation of 0..n-1', () => {
    const p = permutation(100, 9);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, 9)]).toEqual([...p]);
    expect([...permutation(100, 10)]).not.toEqual([...p]);
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
