// `enxuto new-pass <name>`: writes a plugin package with one pass, its options and a test.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { atomicWrite } from '@enxuto/io/node';
import { isNamespaced, isValidPassName } from '@enxuto/pass';
import { checkPluginName } from '../plugins/load-plugins.js';
import { packageJson, passSource, passTest, readme, tsconfigJson, type PassPackageNames } from './templates.js';

export interface NewPassOptions {
  /** Target folder (default: ./<pass name without namespace>). */
  dir?: string;
  /** npm package name (default: @<namespace>/enxuto-<pass>). */
  packageName?: string;
  /** Version range of the enxuto dependencies (default ^0.1.0). */
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
  const names: PassPackageNames = { pass: passName, packageName, enxutoVersion: opts.enxutoVersion ?? '^0.1.0' };
  const files: [string, string][] = [
    ['package.json', packageJson(names)],
    ['tsconfig.json', tsconfigJson()],
    ['README.md', readme(names)],
    [join('src', 'index.ts'), passSource(names)],
    [join('src', 'index.test.ts'), passTest(names)],
  ];
  mkdirSync(join(dir, 'src'), { recursive: true });
  const enc = new TextEncoder();
  for (const [rel, text] of files) atomicWrite(join(dir, rel), enc.encode(text));
  return { dir, files: files.map(([rel]) => rel) };
}
