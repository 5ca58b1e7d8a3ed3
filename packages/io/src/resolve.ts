import { closeSync, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { checkRelativeLocation, type LocationContext } from './paths.js';

export interface ResolvedLocation {
  /** Real absolute path of the file, inside the base folder. */
  path: string;
  size: number;
}

/**
 * Resolves an untrusted relative location against `baseDir`: the path rules of
 * checkRelativeLocation, then the real path (following symlinks, of the file and its parents) must
 * still be inside the real base folder, be a regular file, and not be a hard link to something else.
 */
export function resolveInside(baseDir: string, location: string, ctx: LocationContext = {}): ResolvedLocation {
  const segments = checkRelativeLocation(location, ctx);
  const err = (why: string, code = 'path/unsafe') =>
    new FormatError(`location '${location}': ${why}`, {
      code,
      ...(ctx.file !== undefined ? { file: ctx.file } : {}),
      field: ctx.field ?? 'location',
    });
  let realBase: string;
  try {
    realBase = realpathSync(resolve(baseDir));
  } catch {
    throw err(`folder ${baseDir} does not exist`, 'path/missing');
  }
  const candidate = join(realBase, ...segments);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw err('file does not exist', 'path/missing');
  }
  const rel = relative(realBase, real);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || resolve(realBase, rel) !== real) {
    throw err('it resolves outside the model folder (symlink?)');
  }
  const st = statSync(real);
  if (!st.isFile()) throw err('not a regular file', 'path/not-file');
  const lst = lstatSync(candidate);
  if (!lst.isSymbolicLink() && st.nlink > 1)
    throw err('hard links are not allowed (the file may live outside the folder)');
  return { path: real, size: st.size };
}

/** Reads `length` bytes at `offset` of a file, after checking the region lies inside it. */
export function readRegion(path: string, offset: number, length: number, ctx: LocationContext = {}): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      length > size ||
      offset > size - length
    ) {
      throw new FormatError(`region offset ${offset} length ${length} lies outside ${path} (${size} bytes)`, {
        code: 'path/region',
        ...(ctx.file !== undefined ? { file: ctx.file } : {}),
        field: ctx.field ?? 'offset',
      });
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
