// `enxuto new-pass` output builds with tsc and passes its own test as generated. The package is
// generated inside the repository (a gitignored test-artifacts folder) so that, like in a user's
// project, @enxuto/pass, zod, typescript and vitest resolve from node_modules (built dist).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { repoRoot, tempDir } from '@enxuto/test-support';
import { ENXUTO_VERSION } from '../runner/run-pipeline.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldPassPackage } from './new-pass.js';

const area = join(repoRoot, 'packages', 'pipeline', 'test-artifacts', `scaffold-${process.pid}`);
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const run = (args: string[], cwd: string) =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 240_000 });

beforeAll(() => {
  mkdirSync(area, { recursive: true });
  // Plugin authors get built @enxuto packages from npm; here, build them (incremental, as npm ci does).
  const b = run([tsc, '-b', join(repoRoot, 'packages', 'pass', 'tsconfig.build.json')], repoRoot);
  expect(b.status, b.stdout + b.stderr).toBe(0);
}, 240_000);
afterAll(() => {
  rmSync(area, { recursive: true, force: true });
  // The shared parent goes too once empty (another run may still be using it).
  if (readdirSync(dirname(area)).length === 0) rmSync(dirname(area), { recursive: true, force: true });
});

describe('scaffoldPassPackage', () => {
  it('writes a package that builds and passes its test', () => {
    const { dir, files } = scaffoldPassPackage('acme/clamp-weights', { dir: join(area, 'clamp') });
    expect(files.sort()).toEqual([
      'README.md',
      'package.json',
      'src/index.test.ts',
      'src/index.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/enxuto-clamp-weights');
    // Inside this repository the enxuto packages are the workspace's own (npm links exact versions).
    expect(pkg.peerDependencies['@enxuto/pass']).toBe('0.1.0');
    const typecheck = run([tsc, '-p', 'tsconfig.json'], dir);
    expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const build = run([tsc, '-p', 'tsconfig.build.json'], dir);
    expect(build.status, build.stdout + build.stderr).toBe(0);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'index.test.js'))).toBe(false);
    const test = run([vitest, 'run', '--root', dir], dir);
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/3 passed/);
  }, 240_000);

  it('outside this repository, depends on the published enxuto of its own version', () => {
    const outside = tempDir('enxuto-new-pass-');
    try {
      const { dir } = scaffoldPassPackage('acme/clamp-weights', { dir: join(outside.path, 'clamp') });
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.peerDependencies['@enxuto/pass']).toBe(`^${ENXUTO_VERSION}`);
      expect(pkg.devDependencies['@enxuto/pass']).toBe(`^${ENXUTO_VERSION}`);
    } finally {
      outside.cleanup();
    }
  });

  it('refuses un-namespaced names and non-empty folders', () => {
    expect(() => scaffoldPassPackage('clamp-weights', { dir: join(area, 'x') })).toThrow(ConfigError);
    mkdirSync(join(area, 'full'), { recursive: true });
    writeFileSync(join(area, 'full', 'keep'), 'x');
    expect(() => scaffoldPassPackage('acme/x-y', { dir: join(area, 'full') })).toThrow(/not empty/);
    expect(readFileSync(join(area, 'full', 'keep'), 'utf8')).toBe('x');
  });
});
