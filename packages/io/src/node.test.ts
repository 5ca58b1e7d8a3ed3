import { linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertNotInput, atomicWrite, readRegion, resolveInside } from './node.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.path, 'model'));
  mkdirSync(join(t.path, 'outside'));
  writeFileSync(join(t.path, 'model', 'w.bin'), new Uint8Array([1, 2, 3, 4]));
  writeFileSync(join(t.path, 'outside', 'secret'), 'secret');
});
afterEach(() => t.cleanup());

describe('resolveInside', () => {
  it('resolves a file inside the folder', () => {
    const r = resolveInside(join(t.path, 'model'), 'w.bin');
    expect(r.size).toBe(4);
  });
  it('refuses a symlink pointing outside, and a symlinked parent folder', () => {
    symlinkSync(join(t.path, 'outside', 'secret'), join(t.path, 'model', 'link'));
    symlinkSync(join(t.path, 'outside'), join(t.path, 'model', 'dir'));
    expect(() => resolveInside(join(t.path, 'model'), 'link')).toThrow(/outside the model folder/);
    expect(() => resolveInside(join(t.path, 'model'), 'dir/secret')).toThrow(/outside the model folder/);
  });
  it('refuses hard links, directories and missing files', () => {
    linkSync(join(t.path, 'outside', 'secret'), join(t.path, 'model', 'hard'));
    mkdirSync(join(t.path, 'model', 'sub'));
    expect(() => resolveInside(join(t.path, 'model'), 'hard')).toThrowError(
      expect.objectContaining({ code: 'path/unsafe' }),
    );
    expect(() => resolveInside(join(t.path, 'model'), 'sub')).toThrowError(
      expect.objectContaining({ code: 'path/not-file' }),
    );
    expect(() => resolveInside(join(t.path, 'model'), 'nope')).toThrowError(
      expect.objectContaining({ code: 'path/missing' }),
    );
  });
});

describe('readRegion', () => {
  it('reads inside the file and refuses regions past the end or wrapping', () => {
    const p = join(t.path, 'model', 'w.bin');
    expect([...readRegion(p, 1, 2)]).toEqual([2, 3]);
    expect(() => readRegion(p, 3, 2)).toThrowError(expect.objectContaining({ code: 'path/region' }));
    expect(() => readRegion(p, -1, 1)).toThrowError(expect.objectContaining({ code: 'path/region' }));
    expect(() => readRegion(p, 2 ** 53, 1)).toThrowError(expect.objectContaining({ code: 'path/region' }));
  });
});

describe('atomicWrite', () => {
  it('writes all chunks and leaves no temp file', () => {
    const p = join(t.path, 'out.bin');
    expect(atomicWrite(p, [new Uint8Array([1]), new Uint8Array([2, 3])])).toBe(3);
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(readdirSync(t.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('refuses to write over an input, also through a symlink', () => {
    const input = join(t.path, 'model', 'w.bin');
    symlinkSync(join(t.path, 'model'), join(t.path, 'alias'));
    expect(() => assertNotInput(input, [input])).toThrowError(expect.objectContaining({ code: 'io/overwrite-input' }));
    expect(() => assertNotInput(join(t.path, 'alias', 'w.bin'), [input])).toThrow(/refusing to overwrite/);
    expect(() => assertNotInput(join(t.path, 'other.bin'), [input])).not.toThrow();
  });
});
