// Checking, before any work, that an output can be written: every name fits the file system,
// the nearest existing folder is a folder we may write in, and nothing of the wrong kind sits at
// the path. Nothing is created here, so a run that fails this check leaves no trace.
import { accessSync, constants, readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { ConfigError, IoError } from '@enxuto/ir';
import { fsError } from './fs-errors.js';
import type { ProtectedFiles } from './protect.js';

/** Longest file name most file systems accept (bytes), and longest path Linux accepts. */
const NAME_MAX = 255;
const PATH_MAX = 4095;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Throws a typed IoError unless `path` can be written as a file (`kind: 'file'`) or a folder of
 * files: names too long, a file where a folder is needed (ENOTDIR), a folder where a file is
 * needed, or no write permission in the nearest existing folder.
 */
export function checkWritable(path: string, opts: { kind: 'file' | 'folder'; field?: string }): void {
  const abs = resolve(path);
  const where = { file: path, ...(opts.field !== undefined ? { field: opts.field } : {}) };
  const fail = (code: string, why: string) => new IoError(`cannot write ${path}: ${why}`, { code, ...where });
  const long = abs.split(sep).find((s) => Buffer.byteLength(s) > NAME_MAX);
  if (long !== undefined)
    throw fail('io/name-too-long', `the name '${long.slice(0, 40)}...' is over ${NAME_MAX} bytes`);
  if (Buffer.byteLength(abs) > PATH_MAX) throw fail('io/name-too-long', `the path is over ${PATH_MAX} bytes`);
  try {
    const st = statOrUndefined(abs);
    if (st?.isDirectory() && opts.kind === 'file') throw fail('io/is-folder', 'a folder is there');
    if (st && !st.isDirectory() && opts.kind === 'folder') throw fail('io/not-folder', 'a file is there, not a folder');
    if (st && !st.isDirectory() && !st.isFile()) throw fail('io/not-file', 'something other than a file is there');
    let dir = st?.isDirectory() ? abs : dirname(abs);
    for (;;) {
      const d = statOrUndefined(dir);
      if (d && !d.isDirectory()) throw fail('io/not-folder', `${dir} is a file, not a folder`);
      if (d) break;
      if (dirname(dir) === dir) break;
      dir = dirname(dir);
    }
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw fsError(e, { ...where, action: `write ${path}` });
  }
}

/**
 * A folder output: writable, not holding a protected file, and empty unless `force` (files of the
 * same names are then replaced, others kept).
 */
export function checkFolderOutput(
  dir: string,
  opts: { force: boolean; protect: ProtectedFiles; field?: string },
): void {
  const field = opts.field ?? 'output';
  checkWritable(dir, { kind: 'folder', field });
  opts.protect.assertNotHolding(dir, { field });
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    // not there yet
  }
  if (entries.length > 0 && !opts.force) {
    throw new ConfigError(`output folder ${dir} is not empty (use --force to write into it)`, {
      code: 'io/non-empty-folder',
      file: dir,
      field,
    });
  }
}
