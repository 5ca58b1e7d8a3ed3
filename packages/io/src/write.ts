// Atomic output. Bytes go to a temporary file in the destination folder, which is fsynced, then
// renamed over the final path: a failed, full (ENOSPC) or interrupted run never leaves a partial
// file there. Several files are committed together (all temporaries first, then the renames), and
// the protected set is checked again just before each rename.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { READ_FLAGS } from './checked-file.js';
import { fsError } from './fs-errors.js';
import { regionFits } from './paths.js';
import type { ProtectedFiles } from './protect.js';

/** Bytes produced only when written: a lazy tensor's file region, copied without loading it whole. */
export interface DeferredChunk {
  readonly byteLength: number;
  load(): Uint8Array;
  /** A file region holding exactly these bytes. */
  readonly source?: { path: string; offset: number; length: number };
}

export type WriteChunk = Uint8Array | DeferredChunk;

const COPY_BLOCK = 1 << 20;

/** Temporaries written and not yet renamed or removed, so a signal handler can remove them. */
const pending = new Set<string>();

/** Removes every temporary file not yet committed (for a process that must exit now). */
export function removePendingTemps(): void {
  for (const tmp of pending) removeQuietly(tmp);
  pending.clear();
}

export function removeQuietly(path: string): void {
  pending.delete(path);
  try {
    unlinkSync(path);
  } catch {
    // nothing to remove
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Copies a file region block by block (big external tensors are never held in memory whole). */
function copyRegion(fd: number, source: { path: string; offset: number; length: number }, block: Uint8Array): void {
  const src = openSync(source.path, READ_FLAGS);
  try {
    const st = fstatSync(src);
    if (!st.isFile() || !regionFits(source.offset, source.length, st.size)) {
      throw new FormatError(`${source.path} no longer holds the tensor data being copied`, {
        code: 'io/changed',
        file: source.path,
      });
    }
    let done = 0;
    while (done < source.length) {
      const n = readSync(src, block, 0, Math.min(block.byteLength, source.length - done), source.offset + done);
      if (n === 0)
        throw new FormatError(`${source.path} ended early while copying`, { code: 'io/changed', file: source.path });
      writeAll(fd, block.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(src);
  }
}

/** A fresh temporary name in `dir`, short so it fits wherever the final name fits. */
function tempName(dir: string): string {
  return join(dir, `.enx-${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes chunks to a fresh temporary file beside `finalPath` (mode 0666 less the umask); returns its path. */
export function writeTemp(finalPath: string, chunks: WriteChunk | readonly WriteChunk[]): string {
  const list = chunks instanceof Uint8Array || !Array.isArray(chunks) ? [chunks as WriteChunk] : chunks;
  const tmp = tempName(dirname(resolve(finalPath)));
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
  } catch (e) {
    throw fsError(e, { file: finalPath, action: `write ${finalPath}` });
  }
  pending.add(tmp);
  try {
    let block: Uint8Array | undefined;
    for (const c of list) {
      if (c instanceof Uint8Array) writeAll(fd, c);
      else if (c.source) copyRegion(fd, c.source, (block ??= new Uint8Array(COPY_BLOCK)));
      else writeAll(fd, c.load());
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietly(tmp);
    throw fsError(e, { file: finalPath, action: `write ${finalPath} (nothing was written)` });
  }
  closeSync(fd);
  return tmp;
}

export interface CommitOptions {
  /** Files no rename may replace (checked by device and inode just before each rename). */
  protect?: ProtectedFiles;
  /** Rename now even inside a write transaction (pass-cache entries, which outlive a stopped run). */
  now?: boolean;
}

interface Staged {
  pairs: { tmp: string; path: string }[];
  protect: ProtectedFiles | undefined;
}

/** Writes of one run that are renamed into place together, at its very end (or not at all). */
class WriteTransaction {
  readonly staged: Staged[] = [];
  readonly folders: string[] = [];
}

const transactions = new AsyncLocalStorage<WriteTransaction>();

/**
 * Runs `work` with every commit (outputs, reports) held back: temporaries are written, but nothing
 * is renamed into place until `work` resolves and `beforeCommit` (which may throw, e.g. when the
 * run was interrupted) returns. If either throws, the temporaries and the folders made for them
 * are removed, so a stopped run leaves no output at all.
 */
export async function inWriteTransaction<T>(
  work: () => Promise<T>,
  beforeCommit: () => Promise<void> | void,
): Promise<T> {
  const tx = new WriteTransaction();
  const rollback = () => {
    for (const s of tx.staged) for (const p of s.pairs) removeQuietly(p.tmp);
    removeEmptyFolders(tx.folders);
  };
  let result: T;
  try {
    result = await transactions.run(tx, work);
    await beforeCommit();
  } catch (e) {
    rollback();
    throw e;
  }
  try {
    for (const s of tx.staged) commitNow(s.pairs, s.protect);
  } catch (e) {
    rollback();
    throw e;
  }
  return result;
}

/**
 * Renames temporaries into place in order, then syncs their folders; on failure removes what is
 * left. Inside a write transaction the renames wait for its end.
 */
export function commit(pairs: readonly { tmp: string; path: string }[], opts: CommitOptions = {}): void {
  const tx = opts.now ? undefined : transactions.getStore();
  if (tx) {
    for (const { path } of pairs) opts.protect?.assertWritable(path);
    tx.staged.push({ pairs: [...pairs], protect: opts.protect });
    return;
  }
  commitNow(pairs, opts.protect);
}

function commitNow(pairs: readonly { tmp: string; path: string }[], protect: ProtectedFiles | undefined): void {
  const opts = { protect };
  try {
    for (const { tmp, path } of pairs) {
      opts.protect?.assertWritable(path);
      try {
        renameSync(tmp, path);
      } catch (e) {
        throw fsError(e, { file: path, action: `write ${path}` });
      }
      pending.delete(tmp);
    }
  } catch (e) {
    for (const { tmp } of pairs) if (pending.has(tmp)) removeQuietly(tmp);
    throw e;
  }
  for (const dir of new Set(pairs.map((p) => dirname(p.path)))) {
    try {
      const fd = openSync(dir, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // some platforms cannot fsync a folder; the rename itself is still atomic
    }
  }
}

/** Writes one file atomically; returns the number of bytes written. */
export function atomicWrite(
  path: string,
  chunks: WriteChunk | readonly WriteChunk[],
  opts: CommitOptions = {},
): number {
  opts.protect?.assertWritable(path);
  const tmp = writeTemp(path, chunks);
  const size = statSync(tmp).size;
  commit([{ tmp, path }], opts);
  return size;
}

/**
 * Creates `dir` and its missing parents (mode 0777 less the umask, like mkdir -p); returns the
 * folders it created, outermost first, so a failed write can remove them again.
 */
export function createFolders(dir: string): string[] {
  const created: string[] = [];
  let first: string | undefined;
  try {
    first = mkdirSync(resolve(dir), { recursive: true });
  } catch (e) {
    throw fsError(e, { file: dir, action: `create folder ${dir}` });
  }
  if (first === undefined) return created;
  for (let d = resolve(dir); ; d = dirname(d)) {
    created.unshift(d);
    if (d === first || dirname(d) === d) break;
  }
  transactions.getStore()?.folders.unshift(...created);
  return created;
}

/** Removes folders made by createFolders, innermost first, where they are still empty. */
export function removeEmptyFolders(created: readonly string[]): void {
  for (const d of [...created].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (or gone): leave it
    }
  }
}
