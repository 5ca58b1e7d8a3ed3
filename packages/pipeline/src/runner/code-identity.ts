// What "the pass's code" is, for cache keys: a package's version plus a hash of every module it
// ships (not only its entry file, which may just re-export), so editing a plugin without bumping
// its version, or upgrading enxuto, never serves an old pass output.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from './cache.js';

const CODE_FILE = /\.(m|c)?(j|t)sx?$|\.json$|\.wasm$/;
const TEST_FILE = /\.(test|spec)\.(m|c)?(j|t)sx?$/;
const memo = new Map<string, string>();

/** Files under `dir` that a package ships as code, sorted (no node_modules, no tests). */
function codeFiles(dir: string, out: string[] = []): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) codeFiles(p, out);
    else if (e.isFile() && CODE_FILE.test(e.name) && !TEST_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/** `name@version#hash` of the package in `dir`: every shipped module's path and bytes. */
export function packageCodeIdentity(dir: string): string {
  const root = resolve(dir);
  const known = memo.get(root);
  if (known !== undefined) return known;
  let pkg: { name?: string; version?: string; files?: string[] } = {};
  try {
    pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    // no manifest: the files alone identify it
  }
  const tops = (pkg.files ?? ['.']).filter((f) => !f.startsWith('!')).map((f) => join(root, f));
  const hash = [join(root, 'package.json'), ...tops.flatMap((t) => (isDir(t) ? codeFiles(t) : [t]))]
    .filter((f) => isFile(f))
    .map((f) => `${relative(root, f).split(sep).join('/')}:${sha256(readFileSync(f))}`)
    .join('\n');
  const id = `${pkg.name ?? root}@${pkg.version ?? '0.0.0'}#${sha256(hash)}`;
  memo.set(root, id);
  return id;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The folder of the package holding `file` (the nearest package.json above it). */
export function packageDirOf(file: string): string {
  for (let d = dirname(resolve(file)); ; d = dirname(d)) {
    if (isFile(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return dirname(resolve(file));
  }
}

/**
 * The code of enxuto itself (the built-in passes and everything they use): every @enxuto package
 * beside this one (`packages/*` in the repository, `node_modules/@enxuto/*` when installed).
 */
export function enxutoCodeIdentity(): string {
  const self = packageDirOf(fileURLToPath(import.meta.url));
  const siblings = dirname(self);
  const ids = readdirSync(siblings)
    .sort()
    .map((name) => join(siblings, name))
    .filter((d) => {
      try {
        const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string };
        return typeof pkg.name === 'string' && pkg.name.startsWith('@enxuto/');
      } catch {
        return false;
      }
    })
    .map(packageCodeIdentity);
  return sha256(ids.join('\n'));
}
