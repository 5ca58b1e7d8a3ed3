import { describe, expect, it } from 'vitest';
import { LmAccumulator, topK } from './lm-metrics.js';

describe('LmAccumulator', () => {
  it('cross-entropy of the next token: uniform logits give log(vocab)', () => {
    const acc = new LmAccumulator(4);
    acc.add(new Float32Array(2 * 3 * 4), [0, 1, 2, 3, 2, 1], 2, 3);
    const r = acc.result();
    expect(r.tokens).toBe(4);
    expect(r.crossEntropy).toBeCloseTo(Math.log(4), 12);
    expect(r.perplexity).toBeCloseTo(4, 10);
  });
  it('a confident right guess costs little, the last position predicts nothing', () => {
    const acc = new LmAccumulator(3);
    // position 0 predicts token 2 strongly; position 1 has no target
    acc.add(Float32Array.of(0, 0, 10, 5, 5, 5), [1, 2], 1, 2);
    const want = -(10 - Math.log(2 + Math.exp(10)));
    expect(acc.result().crossEntropy).toBeCloseTo(want, 10);
  });
  it('against a reference: KL 0, full agreement for the same logits; KL > 0 when they differ', () => {
    const logits = Float32Array.of(1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0);
    const same = new LmAccumulator(6);
    same.add(logits, [0, 1], 1, 2, logits);
    expect(same.result()).toMatchObject({ kl: 0, top1Agreement: 1, top5Overlap: 1 });
    const other = new LmAccumulator(6);
    other.add(Float32Array.of(6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0), [0, 1], 1, 2, logits);
    const r = other.result();
    expect(r.kl).toBeGreaterThan(1);
    expect(r.top1Agreement).toBe(0);
    expect(r.top5Overlap).toBeCloseTo(4 / 5, 12);
  });
});

describe('topK', () => {
  it('largest first, ties by index', () => {
    expect(topK(Float64Array.of(1, 5, 3, 5, 0), 3)).toEqual([1, 3, 2]);
  });
});
