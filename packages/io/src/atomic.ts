import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';

export type WriteChunks = Uint8Array | readonly Uint8Array[];

/** True when both paths name the same existing file (also through links). */
export function isSameFile(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  const sa = statSync(a);
  const sb = statSync(b);
  return sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Refuses an output path that is, or resolves to, one of the input files. */
export function assertNotInput(output: string, inputs: readonly string[]): void {
  const out = resolve(output);
  for (const input of inputs) {
    const inp = resolve(input);
    let same = out === inp || isSameFile(out, inp);
    if (!same && existsSync(dirname(out)) && existsSync(inp)) {
      try {
        same = join(realpathSync(dirname(out)), basename(out)) === realpathSync(inp);
      } catch {
        /* a missing folder cannot hold the input */
      }
    }
    if (same) {
      throw new ConfigError(`refusing to overwrite the input model ${input}`, {
        code: 'io/overwrite-input',
        file: output,
        field: 'output',
      });
    }
  }
}

/**
 * Writes chunks to a temporary file beside `path`, flushes it, then renames it into place, so the
 * final path holds either the old file or the complete new one, never a partial file.
 */
export function atomicWrite(path: string, chunks: WriteChunks): number {
  const list = chunks instanceof Uint8Array ? [chunks] : chunks;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const c of list) {
      let off = 0;
      while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
      bytes += c.byteLength;
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return bytes;
}
