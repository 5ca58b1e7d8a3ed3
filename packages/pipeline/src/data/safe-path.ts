// Keeping dataset reads inside the declared root: a name from a labels file or a symlink in the
// folder must not lead outside it. Files go through @enxuto/io's rules (no '..', no absolute or
// scheme paths, symlinks and hard links checked); folders are checked here before listing them.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { type CheckedFile, resolveInside } from '@enxuto/io/node';
import { formatError } from './errors.js';

/** The image `name` (relative, '/'-separated) under `rootReal`, checked; `source`/`field` name its origin. */
export function resolveImagePath(rootReal: string, name: string, source: string, field: string): CheckedFile {
  return resolveInside(rootReal, name, { file: source, field });
}

/** `path` below `rootReal` as a '/'-separated relative name. */
export function relativeName(rootReal: string, path: string): string {
  return relative(rootReal, path).split(sep).join('/');
}

/** Real path of folder `dir`, which must stay under `rootReal` after following symlinks. */
export function checkFolderInside(rootReal: string, dir: string, field: string): string {
  const real = realpathSync(dir);
  const rel = relative(rootReal, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw formatError(`folder resolves to ${real}, outside the dataset root ${rootReal}`, {
      code: 'data/path-outside-root',
      file: dir,
      field,
    });
  }
  return real;
}
