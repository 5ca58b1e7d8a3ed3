import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
  it('suggests the closest name only when it is plausibly a typo', () => {
    expect(closestMatch('sparsty', ['sparsity', 'schedule'])).toBe('sparsity');
    expect(closestMatch('fold-batchnrom', ['fold-batchnorm', 'fold-constants'])).toBe('fold-batchnorm');
    expect(closestMatch('zzzzzz', ['sparsity'])).toBeUndefined();
  });
});
