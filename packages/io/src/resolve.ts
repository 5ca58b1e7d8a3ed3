// Where untrusted names may lead. resolveInside: a location named inside a model file (external
// data, weight shards, image lists) stays inside its folder. confine: a path named by a pipeline
// file stays inside the pipeline's folder or a root the pipeline declares.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { type CheckedFile, checkFile, kindOf } from './checked-file.js';
import { fsError } from './fs-errors.js';
import { checkRelativeLocation, type LocationContext } from './paths.js';

export interface ResolveOptions extends LocationContext {
  /** Accept files with several hard links (default false: a hard link may alias a file outside). */
  allowHardlinks?: boolean;
}

/** True when `child` (a real path) is `folder` or below it. */
export function isWithin(child: string, folder: string): boolean {
  const rel = relative(folder, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolves an untrusted relative location against `baseDir`: the path rules of
 * checkRelativeLocation, then the real path (symlinks of the file and its parents followed) must
 * still be inside the real base folder, be a regular file and (unless allowed) have one link.
 */
export function resolveInside(baseDir: string, location: string, opts: ResolveOptions = {}): CheckedFile {
  const segments = checkRelativeLocation(location, opts);
  const err = (why: string, code = 'path/unsafe') =>
    new FormatError(`location '${location}': ${why}`, {
      code,
      ...(opts.file !== undefined ? { file: opts.file } : {}),
      field: opts.field ?? 'location',
    });
  let realBase: string;
  try {
    realBase = realpathSync(resolve(baseDir));
  } catch {
    throw err(`folder ${baseDir} does not exist`, 'path/missing');
  }
  let real: string;
  let st: Stats;
  try {
    real = realpathSync(join(realBase, ...segments));
    st = statSync(real);
  } catch {
    throw err('file does not exist', 'path/missing');
  }
  if (real === realBase || !isWithin(real, realBase)) throw err('it resolves outside the model folder (symlink?)');
  if (!st.isFile()) throw err(`${kindOf(st)}, not a regular file`, 'path/not-file');
  const file = checkFile(real, opts);
  if (file.nlink > 1 && !opts.allowHardlinks) {
    throw err(`it has ${file.nlink} hard links (it may alias a file outside the folder)`, 'path/hardlink');
  }
  return file;
}

export interface ConfineOptions extends LocationContext {
  /** What the roots are, for the message ('the pipeline folder and its roots'). */
  rootsName?: string;
}

/**
 * The real path of `path` (resolved against `baseDir`), which must lie inside one of `roots`
 * after following symlinks. Unlike resolveInside, '..' and absolute paths are allowed: the
 * pipeline's author names the roots, and only what lies inside them is read.
 */
export function confine(path: string, baseDir: string, roots: readonly string[], opts: ConfineOptions = {}): string {
  const where = { file: opts.file ?? path, ...(opts.field !== undefined ? { field: opts.field } : {}) };
  let real: string;
  try {
    real = realpathSync(resolve(baseDir, path));
  } catch (e) {
    throw fsError(e, { ...where, action: `read ${path}` });
  }
  const realRoots = roots.flatMap((r) => {
    try {
      return [realpathSync(resolve(baseDir, r))];
    } catch {
      return [];
    }
  });
  if (!realRoots.some((r) => isWithin(real, r))) {
    throw new FormatError(
      `${path} lies outside ${opts.rootsName ?? 'the allowed folders'} (${realRoots.join(', ')}); ` +
        'declare its folder under roots: to read it',
      { code: 'path/outside-roots', ...where },
    );
  }
  return real;
}
