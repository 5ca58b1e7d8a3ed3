// Plugins are npm packages listed under `plugins:` and resolved from the project's own
// node_modules, by package name only: never a relative or absolute path, never a URL, never a
// name taken from a model file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@enxuto/ir';
import { z } from 'zod';
import type { PassRegistry } from '../registry.js';
import { findPackageDir } from './package-dir.js';
import type { PluginDefinition } from '@enxuto/pass';

export interface LoadedPlugin {
  name: string;
  version: string;
  /** Real path of the package folder. */
  path: string;
  passes: string[];
}

const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function checkPluginName(name: string, field: string): void {
  if (!NPM_NAME.test(name) || name.length > 214 || name.includes('..')) {
    const pathLike = /^[./\\]|^[A-Za-z]:|:\/\/|^file:/.test(name);
    throw new ConfigError(
      pathLike
        ? `plugin ${JSON.stringify(name)} is a path; plugins are npm package names installed in this project (npm install <name>)`
        : `plugin ${JSON.stringify(name)} is not an npm package name`,
      { code: 'plugin/bad-name', field },
    );
  }
}

/** Export conditions tried in order; 'source' first when running from TypeScript sources. */
function conditions(): string[] {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const fromSource = process.env.VITEST !== undefined || /conditions[= ]source/.test(flags);
  return [...(fromSource ? ['source'] : []), 'import', 'node', 'default'];
}

function pickExport(entry: unknown, conds: readonly string[]): string[] {
  if (typeof entry === 'string') return [entry];
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return [];
  const out: string[] = [];
  for (const c of conds) {
    const v = (entry as Record<string, unknown>)[c];
    if (v !== undefined) out.push(...pickExport(v, conds));
  }
  return out;
}

function readPackageJson(dir: string, field: string): Record<string, unknown> {
  const file = join(dir, 'package.json');
  if (statSync(file).size > 1 << 20)
    throw new ConfigError('package.json is larger than 1 MiB', { code: 'plugin/bad-package', file, field });
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot read package.json: ${(e as Error).message}`, {
      code: 'plugin/bad-package',
      file,
      field,
      cause: e,
    });
  }
}

/** The entry file of a package, which must stay inside the package folder. */
function entryFile(dir: string, pkg: Record<string, unknown>, field: string): string {
  const exp = pkg.exports;
  const dot =
    exp !== null && typeof exp === 'object' && !Array.isArray(exp) && '.' in exp
      ? (exp as Record<string, unknown>)['.']
      : exp;
  const candidates =
    dot !== undefined ? pickExport(dot, conditions()) : [typeof pkg.main === 'string' ? pkg.main : 'index.js'];
  for (const c of candidates) {
    const p = resolve(dir, c);
    const rel = relative(dir, p);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) continue;
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  throw new ConfigError(`no entry file found in ${dir} (is the package built?)`, {
    code: 'plugin/no-entry',
    file: join(dir, 'package.json'),
    field,
  });
}

const pluginShape = z.object({ name: z.string(), passes: z.array(z.object({ name: z.string() }).passthrough()) });

function pluginExport(mod: Record<string, unknown>): PluginDefinition | undefined {
  for (const candidate of [mod.plugin, mod.default, (mod.default as Record<string, unknown> | undefined)?.plugin]) {
    if (pluginShape.safeParse(candidate).success) return candidate as PluginDefinition;
  }
  return undefined;
}

/**
 * Loads each listed plugin and registers its passes. `projectRoot` is where node_modules lookup
 * starts (the pipeline file's project, or the current directory).
 */
export async function loadPlugins(
  names: readonly string[],
  registry: PassRegistry,
  projectRoot: string,
): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const [i, name] of names.entries()) {
    const field = `plugins.${i}`;
    checkPluginName(name, field);
    const dir = findPackageDir(name, projectRoot);
    if (!dir) {
      throw new ConfigError(`plugin ${name} is not installed in ${projectRoot} (npm install ${name})`, {
        code: 'plugin/not-found',
        field,
      });
    }
    const pkg = readPackageJson(dir, field);
    const file = entryFile(dir, pkg, field);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`plugin ${name} failed to load: ${(e as Error).message}`, {
        code: 'plugin/load-failed',
        file,
        field,
        cause: e,
      });
    }
    const plugin = pluginExport(mod);
    if (!plugin) {
      throw new ConfigError(`plugin ${name} exports no plugin (export const plugin = definePlugin({...}))`, {
        code: 'plugin/no-export',
        file,
        field,
      });
    }
    registry.registerPlugin(plugin, dir);
    loaded.push({
      name,
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      path: dir,
      passes: plugin.passes.map((p) => p.name),
    });
  }
  return loaded;
}
