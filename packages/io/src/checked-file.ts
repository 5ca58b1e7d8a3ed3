// Reading files that may be hostile. A file is checked once (regular file only: no FIFO, device,
// socket or folder, which could hang or never end) and remembered by identity (device, inode,
// size); every later open uses O_NOFOLLOW and re-checks that identity, so a path swapped after the
// check is refused instead of read. Sizes are checked before anything is allocated.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { FormatError, IoError } from '@enxuto/ir';
import { fsError } from './fs-errors.js';
import { regionFits, type LocationContext } from './paths.js';

/** A regular file that was checked, and what it was when checked. */
export interface CheckedFile {
  /** Real absolute path (symlinks resolved). */
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  nlink: number;
}

/** O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused right after, by fstat). */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function where(ctx: LocationContext, path: string) {
  return { file: ctx.file ?? path, ...(ctx.field !== undefined ? { field: ctx.field } : {}) };
}

function notRegular(path: string, st: Stats, ctx: LocationContext): IoError {
  return new IoError(`${path} is ${kindOf(st)}; only regular files are read`, {
    code: st.isDirectory() ? 'io/is-folder' : 'io/not-file',
    ...where(ctx, path),
  });
}

function identity(path: string, st: Stats): CheckedFile {
  return { path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, nlink: st.nlink };
}

/**
 * Checks a file named by the user (a command-line argument, a pipeline's input): symlinks are
 * followed to the real path, which must be a regular file; then it is opened (O_NOFOLLOW) and the
 * opened inode must be the one checked.
 */
export function checkFile(path: string, ctx: LocationContext = {}): CheckedFile {
  let real: string;
  let st: Stats;
  try {
    real = realpathSync(resolve(path));
    st = statSync(real);
  } catch (e) {
    throw fsError(e, { ...where(ctx, path), action: `read ${path}` });
  }
  if (!st.isFile()) throw notRegular(path, st, ctx);
  return reopen(identity(real, st), ctx, (fd) => identity(real, fstatSync(fd)));
}

/**
 * Opens a checked file again (O_NOFOLLOW), refusing it if it was replaced or resized since; the
 * caller closes the descriptor.
 */
export function openChecked(file: CheckedFile, ctx: LocationContext = {}): number {
  let fd: number;
  try {
    fd = openSync(file.path, READ_FLAGS);
  } catch (e) {
    throw fsError(e, { ...where(ctx, file.path), action: `open ${file.path}` });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(file.path, st, ctx);
    if (st.dev !== file.dev || st.ino !== file.ino || st.size !== file.size) {
      throw new IoError(`${file.path} was replaced or changed size while it was being read`, {
        code: 'io/changed',
        ...where(ctx, file.path),
      });
    }
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** openChecked, then `use` with the descriptor, which is closed afterwards. */
export function reopen<T>(file: CheckedFile, ctx: LocationContext, use: (fd: number) => T): T {
  const fd = openChecked(file, ctx);
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

function readInto(fd: number, out: Uint8Array, offset: number, file: CheckedFile, ctx: LocationContext): void {
  let done = 0;
  while (done < out.byteLength) {
    const n = readSync(fd, out, done, out.byteLength - done, offset + done);
    if (n === 0) {
      throw new FormatError(`${file.path} ended early (it shrank while being read)`, {
        code: 'io/changed',
        ...where(ctx, file.path),
      });
    }
    done += n;
  }
}

/** `length` bytes at `offset` of a checked file, after checking the region lies inside it. */
export function readRegion(file: CheckedFile, offset: number, length: number, ctx: LocationContext = {}): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || !regionFits(offset, length, file.size)) {
    throw new FormatError(`region offset ${offset} length ${length} lies outside ${file.path} (${file.size} bytes)`, {
      code: 'path/region',
      file: ctx.file ?? file.path,
      field: ctx.field ?? 'offset',
    });
  }
  return reopen(file, ctx, (fd) => {
    const out = new Uint8Array(length);
    readInto(fd, out, offset, file, ctx);
    return out;
  });
}

/** The first `n` bytes (fewer for a shorter file), for sniffing a format. */
export function readHead(file: CheckedFile, n: number, ctx: LocationContext = {}): Uint8Array {
  return readRegion(file, 0, Math.min(n, file.size), ctx);
}

export interface ReadLimit {
  /** Largest size accepted, checked before allocating. */
  maxBytes: number;
  /** The option that raises the limit, named in the error. */
  option: string;
}

/** The whole of a checked file, refused before allocating when it is larger than the limit. */
export function readWhole(file: CheckedFile, limit: ReadLimit, ctx: LocationContext = {}): Uint8Array {
  if (file.size > limit.maxBytes) {
    throw new FormatError(
      `${file.path} is ${file.size} bytes, more than the ${limit.maxBytes} read into memory (raise ${limit.option})`,
      { code: 'io/too-large', ...where(ctx, file.path) },
    );
  }
  return readRegion(file, 0, file.size, ctx);
}

/** checkFile then readWhole: a user-named file read whole. */
export function readFileChecked(
  path: string,
  limit: ReadLimit,
  ctx: LocationContext = {},
): { bytes: Uint8Array; file: CheckedFile } {
  const file = checkFile(path, ctx);
  return { bytes: readWhole(file, limit, ctx), file };
}
