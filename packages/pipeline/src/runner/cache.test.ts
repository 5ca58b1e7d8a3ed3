import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, PassCache, stepKey } from './cache.js';

const dir = tempDir('enxuto-cache-');
afterEach(() => dir.cleanup());

describe('pass cache', () => {
  it('keys do not depend on option order but on every input', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    const k = stepKey('prev', 'p', '1', { a: 1, b: 2 }, 0);
    expect(stepKey('prev', 'p', '1', { b: 2, a: 1 }, 0)).toBe(k);
    expect(stepKey('prev', 'p', '1', { a: 1, b: 3 }, 0)).not.toBe(k);
    expect(stepKey('prev', 'p', '1', { a: 1, b: 2 }, 1)).not.toBe(k);
    expect(stepKey('other', 'p', '1', { a: 1, b: 2 }, 0)).not.toBe(k);
    expect(stepKey('prev', 'p', '2', { a: 1, b: 2 }, 0)).not.toBe(k);
  });

  it('stores and returns a step; a damaged entry is a miss', () => {
    const cache = new PassCache(join(dir.path, 'c'));
    const step = { changed: true, stats: { n: 3 }, modelBytes: new Uint8Array([1, 2, 3, 4]) };
    cache.put('abc', step);
    expect(cache.get('abc')).toEqual(step);
    expect(cache.get('missing')).toBeUndefined();
    writeFileSync(join(dir.path, 'c', 'abc.onnx'), new Uint8Array([1, 2, 3, 5]));
    expect(cache.get('abc')).toBeUndefined();
    expect(readdirSync(join(dir.path, 'c')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
