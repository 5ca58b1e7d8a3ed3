// Atomic file output: chunks go to a temporary file in the destination folder, which is fsynced
// and renamed over the final path, so a failed or killed run never leaves a partial file there.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { DeferredBytes, type Chunk } from '../write/parts.js';

const COPY_BLOCK = 1 << 20;

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Copies a file region block by block (big external tensors are never held in memory whole). */
function copyRegion(fd: number, source: { path: string; offset: number; length: number }, block: Uint8Array): void {
  const src = openSync(source.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    let done = 0;
    while (done < source.length) {
      const want = Math.min(block.byteLength, source.length - done);
      const n = readSync(src, block, 0, want, source.offset + done);
      if (n === 0)
        throw new FormatError(`${source.path} ended early while copying tensor data`, {
          code: 'onnx/external-range',
          file: source.path,
        });
      writeAll(fd, block.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(src);
  }
}

/** Writes chunks to a fresh temporary file beside `finalPath`; returns its path. */
export function writeTemp(finalPath: string, chunks: readonly Chunk[]): string {
  const tmp = join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    let block: Uint8Array | undefined;
    for (const c of chunks) {
      if (c instanceof DeferredBytes) {
        if (c.source) copyRegion(fd, c.source, (block ??= new Uint8Array(COPY_BLOCK)));
        else writeAll(fd, c.load());
      } else {
        writeAll(fd, c);
      }
    }
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  return tmp;
}

/** Renames temporaries into place (in order) and syncs their folders; removes them all on failure. */
export function commit(pairs: readonly { tmp: string; path: string }[]): void {
  try {
    for (const { tmp, path } of pairs) renameSync(tmp, path);
  } catch (e) {
    for (const { tmp } of pairs) {
      try {
        unlinkSync(tmp);
      } catch {
        // already renamed or gone
      }
    }
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
      // some platforms cannot fsync a directory; the rename itself is still atomic
    }
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing to remove
  }
}
