import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentHasher } from './content-hash.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-hash-');
});
afterEach(() => dir.cleanup());

const FIXED_TIME = 1_700_000_000; // whole seconds, so utimes sets it exactly

/** Writes a file and sets its mtime to one fixed time, as a copy tool that keeps times would. */
function writeFixedTime(file: string, bytes: string): void {
  writeFileSync(file, bytes);
  utimesSync(file, FIXED_TIME, FIXED_TIME);
}

/** Rewrites a file with other bytes of the same length, keeping its (fixed) mtime. */
function editKeepingSizeAndMtime(file: string, bytes: string): void {
  const before = statSync(file);
  expect(before.mtimeMs).toBe(FIXED_TIME * 1000);
  expect(bytes.length).toBe(before.size);
  writeFixedTime(file, bytes);
  expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
}

describe('ContentHasher', () => {
  it('hashes content: an edit that keeps size and mtime still changes the hash', () => {
    const file = join(dir.path, 'cal.bin');
    writeFixedTime(file, 'aaaa');
    const hasher = new ContentHasher();
    const first = hasher.file(file);
    expect(first).toBe(createHash('sha256').update('aaaa').digest('hex'));
    editKeepingSizeAndMtime(file, 'aaab');
    expect(hasher.file(file)).toBe(createHash('sha256').update('aaab').digest('hex'));
  });

  it('does not remember a file written moments ago (its next write may keep the stamp)', () => {
    const file = join(dir.path, 'fresh.bin');
    writeFixedTime(file, 'v1');
    const store = join(dir.path, 'hashes.json');
    const hasher = new ContentHasher(store);
    hasher.file(file);
    hasher.save();
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({});
  });

  it('keeps the hashes it computed in its store for the next run', () => {
    const file = join(dir.path, 'x.bin');
    writeFixedTime(file, 'hello');
    const store = join(dir.path, 'cache', 'file-hashes.json');
    const later = () => Date.now() + 10_000; // the file counts as old enough to remember
    const a = new ContentHasher(store, later);
    const sha = a.file(file);
    a.save();
    const saved = JSON.parse(readFileSync(store, 'utf8')) as Record<string, { sha: string }>;
    expect(saved[file]!.sha).toBe(sha);
    // A new run trusts the stored hash while the file's stamp is unchanged...
    writeFileSync(store, JSON.stringify({ [file]: { ...saved[file], sha: 'remembered' } }));
    expect(new ContentHasher(store, later).file(file)).toBe('remembered');
    // ...and reads the file again once it was written to.
    editKeepingSizeAndMtime(file, 'hellO');
    expect(new ContentHasher(store, later).file(file)).toBe(createHash('sha256').update('hellO').digest('hex'));
  });

  it('hashes a folder by its files: names and contents count, node_modules and dot-entries do not', () => {
    const root = join(dir.path, 'pkg');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
    writeFixedTime(join(root, 'src', 'a.js'), 'export const a = 1;');
    const hasher = new ContentHasher();
    const h = hasher.tree(root);
    writeFileSync(join(root, 'node_modules', 'dep', 'x.js'), 'x');
    writeFileSync(join(root, '.cache'), 'x');
    expect(hasher.tree(root)).toBe(h);
    writeFileSync(join(root, 'src', 'b.js'), '');
    const withB = hasher.tree(root);
    expect(withB).not.toBe(h);
    expect(hasher.tree(root, { include: (p) => p !== 'src/b.js' })).toBe(h);
    editKeepingSizeAndMtime(join(root, 'src', 'a.js'), 'export const a = 2;');
    expect(hasher.tree(root)).not.toBe(withB);
  });
});
