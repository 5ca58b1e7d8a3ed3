import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  atomicWrite,
  checkFile,
  checkWritable,
  commit,
  confine,
  createFolders,
  ProtectedFiles,
  readRegion,
  readWhole,
  removeEmptyFolders,
  resolveInside,
  writeTemp,
} from './node.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.path, 'model'));
  mkdirSync(join(t.path, 'outside'));
  writeFileSync(join(t.path, 'model', 'w.bin'), new Uint8Array([1, 2, 3, 4]));
  writeFileSync(join(t.path, 'outside', 'secret'), 'secret');
});
afterEach(() => t.cleanup());

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('checkFile', () => {
  it('follows a user-named symlink to a regular file and records its identity', () => {
    symlinkSync(join(t.path, 'model', 'w.bin'), join(t.path, 'link.bin'));
    const f = checkFile(join(t.path, 'link.bin'));
    expect([f.size, f.ino]).toEqual([4, statSync(join(t.path, 'model', 'w.bin')).ino]);
  });

  it('refuses FIFOs, character devices and folders without blocking, with typed codes', () => {
    execFileSync('mkfifo', [join(t.path, 'fifo')]);
    expect(codeOf(() => checkFile(join(t.path, 'fifo')))).toBe('io/not-file');
    expect(codeOf(() => checkFile('/dev/zero'))).toBe('io/not-file');
    expect(codeOf(() => checkFile(join(t.path, 'model')))).toBe('io/is-folder');
    expect(codeOf(() => checkFile(join(t.path, 'nope')))).toBe('io/not-found');
    expect(codeOf(() => checkFile(join(t.path, 'model', 'w.bin', 'x')))).toBe('io/not-folder');
  });

  it('refuses to read a file replaced after it was checked', () => {
    const p = join(t.path, 'model', 'w.bin');
    const f = checkFile(p);
    writeFileSync(join(t.path, 'other'), new Uint8Array([9, 9, 9, 9]));
    renameSync(join(t.path, 'other'), p);
    expect(codeOf(() => readRegion(f, 0, 4))).toBe('io/changed');
  });

  it('reads regions inside the file and refuses regions past the end, negative or wrapping', () => {
    const f = checkFile(join(t.path, 'model', 'w.bin'));
    expect([...readRegion(f, 1, 2)]).toEqual([2, 3]);
    expect(codeOf(() => readRegion(f, 3, 2))).toBe('path/region');
    expect(codeOf(() => readRegion(f, -1, 1))).toBe('path/region');
    expect(codeOf(() => readRegion(f, 2 ** 53, 1))).toBe('path/region');
    expect(codeOf(() => readWhole(f, { maxBytes: 3, option: 'maxFileBytes' }))).toBe('io/too-large');
  });
});

describe('resolveInside', () => {
  it('resolves a file inside the folder', () => {
    expect(resolveInside(join(t.path, 'model'), 'w.bin').size).toBe(4);
  });
  it('refuses a symlink pointing outside, and a symlinked parent folder', () => {
    symlinkSync(join(t.path, 'outside', 'secret'), join(t.path, 'model', 'link'));
    symlinkSync(join(t.path, 'outside'), join(t.path, 'model', 'dir'));
    expect(() => resolveInside(join(t.path, 'model'), 'link')).toThrow(/outside the model folder/);
    expect(() => resolveInside(join(t.path, 'model'), 'dir/secret')).toThrow(/outside the model folder/);
  });
  it('refuses hard links, folders, FIFOs and missing files', () => {
    linkSync(join(t.path, 'outside', 'secret'), join(t.path, 'model', 'hard'));
    mkdirSync(join(t.path, 'model', 'sub'));
    execFileSync('mkfifo', [join(t.path, 'model', 'fifo')]);
    expect(codeOf(() => resolveInside(join(t.path, 'model'), 'hard'))).toBe('path/hardlink');
    expect(resolveInside(join(t.path, 'model'), 'hard', { allowHardlinks: true }).size).toBe(6);
    expect(codeOf(() => resolveInside(join(t.path, 'model'), 'sub'))).toBe('path/not-file');
    expect(codeOf(() => resolveInside(join(t.path, 'model'), 'fifo'))).toBe('path/not-file');
    expect(codeOf(() => resolveInside(join(t.path, 'model'), 'nope'))).toBe('path/missing');
  });
});

describe('confine', () => {
  it('allows paths inside a declared root, also by .., and refuses the rest', () => {
    const base = join(t.path, 'model');
    expect(confine('w.bin', base, [base])).toBe(join(t.path, 'model', 'w.bin'));
    expect(codeOf(() => confine('../outside/secret', base, [base]))).toBe('path/outside-roots');
    expect(codeOf(() => confine(join(t.path, 'outside', 'secret'), base, [base]))).toBe('path/outside-roots');
    expect(confine('../outside/secret', base, [base, '../outside'])).toBe(join(t.path, 'outside', 'secret'));
    symlinkSync(join(t.path, 'outside', 'secret'), join(base, 'link'));
    expect(codeOf(() => confine('link', base, [base]))).toBe('path/outside-roots');
  });
});

describe('atomic writes', () => {
  it('writes all chunks, including a file region copied without loading, and leaves no temp file', () => {
    const p = join(t.path, 'out.bin');
    const region = {
      byteLength: 2,
      load: () => new Uint8Array(0),
      source: { path: join(t.path, 'model', 'w.bin'), offset: 1, length: 2 },
    };
    expect(atomicWrite(p, [new Uint8Array([1]), region, new Uint8Array([5])])).toBe(4);
    expect([...readFileSync(p)]).toEqual([1, 2, 3, 5]);
    expect(readdirSync(t.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to replace a protected file, by inode: through a symlinked folder and a hard link', () => {
    const input = join(t.path, 'model', 'w.bin');
    symlinkSync(join(t.path, 'model'), join(t.path, 'alias'));
    linkSync(input, join(t.path, 'hard.bin'));
    const protect = new ProtectedFiles().add(checkFile(input));
    for (const target of [input, join(t.path, 'alias', 'w.bin'), join(t.path, 'hard.bin')]) {
      expect(codeOf(() => atomicWrite(target, new Uint8Array([0]), { protect }))).toBe('io/overwrite-input');
    }
    expect(atomicWrite(join(t.path, 'other.bin'), new Uint8Array([0]), { protect })).toBe(1);
    expect([...readFileSync(input)]).toEqual([1, 2, 3, 4]);
  });

  it('checks the protected set again just before the rename', () => {
    const input = join(t.path, 'model', 'w.bin');
    const protect = new ProtectedFiles().add(checkFile(input));
    const target = join(t.path, 'late.bin');
    const tmp = writeTemp(target, new Uint8Array([7]));
    symlinkSync(input, target); // appears between planning and the rename
    expect(codeOf(() => commit([{ tmp, path: target }], { protect }))).toBe('io/overwrite-input');
    expect(readdirSync(t.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect([...readFileSync(input)]).toEqual([1, 2, 3, 4]);
  });

  it('a write that fails for lack of space (EFBIG under ulimit -f) leaves nothing and says so', () => {
    const script = `
      import { atomicWrite } from ${JSON.stringify(new URL('./node.ts', import.meta.url).pathname)};
      try { atomicWrite(${JSON.stringify(join(t.path, 'big.bin'))}, new Uint8Array(1 << 20)); console.log('written'); }
      catch (e) { console.log(e.code); }`;
    const r = spawnSync('sh', ['-c', `ulimit -f 64; exec node --conditions=source --import tsx -e "$0"`, script], {
      encoding: 'utf8',
      cwd: new URL('..', import.meta.url).pathname,
    });
    expect(r.stdout.trim()).toBe('io/no-space');
    expect(readdirSync(t.path).sort()).toEqual(['model', 'outside']);
  });

  it('creates missing folders with the umask, and removes them again when empty', () => {
    const made = createFolders(join(t.path, 'a', 'b', 'c'));
    expect(made).toEqual([join(t.path, 'a'), join(t.path, 'a', 'b'), join(t.path, 'a', 'b', 'c')]);
    expect(statSync(join(t.path, 'a', 'b')).mode & 0o777).toBe(0o777 & ~process.umask());
    removeEmptyFolders(made);
    expect(readdirSync(t.path).sort()).toEqual(['model', 'outside']);
  });
});

describe('checkWritable', () => {
  it('types every reason an output cannot be written, before anything is created', () => {
    const f = join(t.path, 'model', 'w.bin');
    expect(codeOf(() => checkWritable(join(f, 'x.onnx'), { kind: 'file' }))).toBe('io/not-folder');
    expect(codeOf(() => checkWritable(join(t.path, 'model'), { kind: 'file' }))).toBe('io/is-folder');
    expect(codeOf(() => checkWritable(f, { kind: 'folder' }))).toBe('io/not-folder');
    expect(codeOf(() => checkWritable(join(t.path, `${'n'.repeat(256)}.onnx`), { kind: 'file' }))).toBe(
      'io/name-too-long',
    );
    expect(checkWritable(join(t.path, 'new', 'deep', 'm.onnx'), { kind: 'file' })).toBeUndefined();
    expect(readdirSync(t.path).sort()).toEqual(['model', 'outside']);
    if (process.getuid?.() !== 0) {
      chmodSync(join(t.path, 'outside'), 0o500);
      expect(codeOf(() => checkWritable(join(t.path, 'outside', 'm.onnx'), { kind: 'file' }))).toBe('io/permission');
    }
  });
});
