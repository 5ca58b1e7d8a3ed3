// The code a pass runs, as one hash: every file its package ships (modules, data, wasm; not its
// tests) and, through every @enxuto/* dependency, enxuto's own; other dependencies count by name
// and version. A plugin edited without a version bump, or a rebuilt enxuto, then misses the cache
// instead of returning old output.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageDir } from '../plugins/package-dir.js';
import type { ResolvedPass } from '../config/validate.js';
import type { ContentHasher } from './content-hash.js';
import { ENXUTO_VERSION } from './version.js';

const TEST_FILE = /\.(test|spec|bench)\.[mc]?[jt]sx?$|^test-artifacts\//;

/** Files that can change what a package computes: all but its tests and their leftovers. */
export function isCodeFile(relativePath: string): boolean {
  return !TEST_FILE.test(relativePath);
}

export class CodeIdentity {
  private readonly byDir = new Map<string, string>();

  constructor(private readonly hasher: ContentHasher) {}

  /** Hash of the package in `dir` and the enxuto packages it depends on, transitively. */
  of(dir: string): string {
    const real = realpathSync(dir);
    const known = this.byDir.get(real);
    if (known !== undefined) return known;
    this.byDir.set(real, 'cycle'); // a dependency cycle hashes the repeated package as a marker
    const pkg = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
      dependencies?: Record<string, string>;
    };
    const h = createHash('sha256');
    h.update(`${pkg.name}@${pkg.version}\0${this.hasher.tree(real, { include: isCodeFile })}\n`);
    for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) {
      const depDir = findPackageDir(dep, real);
      if (!depDir) h.update(`${dep}:missing\n`);
      else if (dep.startsWith('@enxuto/')) h.update(`${dep}:${this.of(depDir)}\n`);
      else h.update(`${dep}@${versionOf(depDir)}\n`);
    }
    const id = h.digest('hex');
    this.byDir.set(real, id);
    return id;
  }
}

/**
 * A pass's code in cache keys (steps, sweep trials): its package's files and enxuto's when its
 * package is known and there is a `code` to hash them, else its source and enxuto's version.
 */
export function passCode(p: Pick<ResolvedPass, 'packageDir' | 'source'>, code: CodeIdentity | undefined): string {
  return code && p.packageDir ? code.of(p.packageDir) : `${p.source}@${ENXUTO_VERSION}`;
}

function versionOf(dir: string): string {
  try {
    return String((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unreadable';
  }
}
