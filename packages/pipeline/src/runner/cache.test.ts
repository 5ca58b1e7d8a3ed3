import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, PassCache } from './cache.js';

const dir = tempDir('enxuto-cache-');
afterEach(() => dir.cleanup());

describe('pass cache', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
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
