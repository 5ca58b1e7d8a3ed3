// Keeping dataset reads inside the declared root: a name from a labels file or a symlink in
// the folder must not lead outside it.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { formatError } from './errors.js';

/** True when `child` is `root` itself or below it (both absolute, already normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A name as written in a labels file: relative, forward or back slashes, no drive, no scheme. */
function looksAbsolute(name: string): boolean {
  return isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.startsWith('\\') || name.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(name);
}

/**
 * Resolve `name` under `root` and check it stays inside, lexically and after following
 * symlinks. `rootReal` is realpath(root). `source`/`field` name where the name came from.
 */
export function resolveInsideRoot(root: string, rootReal: string, name: string, source: string, field: string): string {
  const normalised = name.replace(/\\/g, '/');
  const lexical = resolve(root, normalised);
  if (looksAbsolute(name) || !isInside(root, lexical)) {
    throw formatError(`path ${JSON.stringify(name)} leaves the dataset root ${root}`, { code: 'data/path-outside-root', file: source, field });
  }
  return checkRealInside(rootReal, lexical, source, field);
}

/** Follow symlinks of an existing path and check the target is still under `rootReal`. */
export function checkRealInside(rootReal: string, path: string, source: string, field: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (cause) {
    throw formatError(`${path} not found`, { code: 'data/file-missing', file: source, field, cause });
  }
  if (!isInside(rootReal, real)) {
    throw formatError(`${path} resolves to ${real}, outside the dataset root ${rootReal}`, { code: 'data/path-outside-root', file: source, field });
  }
  return real;
}
