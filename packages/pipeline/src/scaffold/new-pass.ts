// `enxuto new-pass <name>`: writes a plugin package with one pass, its options and a test.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { atomicWrite } from '@enxuto/io/node';
import { isNamespaced, isValidPassName } from '@enxuto/pass';
import { checkPluginName } from '../plugins/load-plugins.js';
import { ENXUTO_VERSION } from '../runner/run-pipeline.js';
import { passPackageFiles, type PassPackageNames } from './templates.js';

export interface NewPassOptions {
  /** Target folder (default: ./<pass name without namespace>). */
  dir?: string;
  /** npm package name (default: @<namespace>/enxuto-<pass>). */
  packageName?: string;
  /**
   * Version range of the enxuto dependencies. Default: inside the enxuto repository, the exact
   * version of its workspace packages (npm links them); elsewhere, ^ the running enxuto's version.
   */
  enxutoVersion?: string;
  force?: boolean;
}

export function scaffoldPassPackage(passName: string, opts: NewPassOptions = {}): { dir: string; files: string[] } {
  if (!isValidPassName(passName) || !isNamespaced(passName)) {
    throw new ConfigError(
      `pass name ${JSON.stringify(passName)} must be namespaced kebab-case, e.g. acme/prune-sparsegpt`,
      {
        code: 'scaffold/bad-name',
        field: 'name',
      },
    );
  }
  const [ns, pass] = passName.split('/') as [string, string];
  const packageName = opts.packageName ?? `@${ns.replace(/^@/, '')}/enxuto-${pass}`;
  checkPluginName(packageName, '--package');
  const dir = resolve(opts.dir ?? pass);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !opts.force) {
    throw new ConfigError(`folder ${dir} is not empty (use --force)`, {
      code: 'io/non-empty-folder',
      file: dir,
      field: '--dir',
    });
  }
  const enxutoVersion = opts.enxutoVersion ?? workspaceVersion(dir) ?? `^${ENXUTO_VERSION}`;
  const names: PassPackageNames = { pass: passName, packageName, enxutoVersion };
  const files = passPackageFiles(names);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const enc = new TextEncoder();
  for (const [rel, text] of files) atomicWrite(join(dir, rel), enc.encode(text));
  return { dir, files: files.map(([rel]) => rel) };
}

/** The version of the enxuto packages when `dir` lies inside the enxuto repository (whose workspaces npm links). */
function workspaceVersion(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pass = join(d, 'packages', 'ir', 'package.json');
    if (existsSync(join(d, 'package.json')) && existsSync(pass)) {
      const root = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string };
      if (root.name === 'enxuto-monorepo')
        return (JSON.parse(readFileSync(pass, 'utf8')) as { version: string }).version;
    }
    if (dirname(d) === d) return undefined;
  }
}
