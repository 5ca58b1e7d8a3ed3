// BAD_INPUTS case 34 and plugin loading from the project's node_modules.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { repoRoot, tempDir } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig, resolvePasses } from '../config/validate.js';
import { createRegistry } from '../registry.js';
import { loadPlugins } from './load-plugins.js';

async function refused(names: string[], root = repoRoot): Promise<ConfigError> {
  const err = await loadPlugins(names, createRegistry(), root).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('loadPlugins', () => {
  it('loads a listed plugin from node_modules and records name, version and path', async () => {
    const registry = createRegistry();
    const loaded = await loadPlugins(['@enxuto/plugin-example'], registry, repoRoot);
    expect(loaded).toEqual([
      {
        name: '@enxuto/plugin-example',
        version: '0.1.0',
        path: realpathSync(join(repoRoot, 'examples', 'plugin-example')),
        passes: ['example/clamp-weights'],
      },
    ]);
    expect(registry.entry('example/clamp-weights')!.source).toBe('@enxuto/plugin-example');
  });

  it('refuses relative, absolute and URL plugin paths without touching them (case 34)', async () => {
    const dir = tempDir('enxuto-evil-');
    try {
      // If a path were ever imported, this file would leave a marker behind.
      const marker = join(dir.path, 'ran');
      writeFileSync(
        join(dir.path, 'evil.js'),
        `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x');`,
      );
      for (const name of [
        '../evil.js',
        './evil.js',
        join(dir.path, 'evil.js'),
        'file:///etc/passwd',
        'https://evil.example/x.js',
        'C:\\evil.js',
        '..\\evil',
      ]) {
        const e = await refused([name], dir.path);
        expect(e.code).toBe('plugin/bad-name');
        expect(e.field).toBe('plugins.0');
      }
      const { existsSync } = await import('node:fs');
      expect(existsSync(marker)).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  it('refuses a package that is not installed in the project', async () => {
    const dir = tempDir('enxuto-proj-');
    try {
      mkdirSync(join(dir.path, 'node_modules'));
      const e = await refused(['enxuto-plugin-that-does-not-exist'], dir.path);
      expect(e.code).toBe('plugin/not-found');
    } finally {
      dir.cleanup();
    }
  });

  it('does not offer a plugin pass unless the plugin is listed (case 34)', () => {
    const config = parsePipelineConfig({ input: 'm.onnx', outputs: ['o.onnx'], passes: ['example/clamp-weights'] });
    const err = (() => {
      try {
        resolvePasses(config, createRegistry());
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('config/unknown-pass');
    expect(err?.message).toMatch(/plugins:/);
  });
});
