// What `npm run pack:smoke` checks from real tarballs, in the part that needs no install: every
// public package can be installed from the packed set alone (its @enxuto dependencies are public
// packages of the same version, never a private tool), ships the files its exports and bin name,
// and leaves heavy optional runtimes to the user (onnxruntime-node is an optional peer).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './index.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  type?: string;
  files?: string[];
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifests = readdirSync(join(repoRoot, 'packages'))
  .filter((d) => existsSync(join(repoRoot, 'packages', d, 'package.json')))
  .map((d) => ({
    dir: join(repoRoot, 'packages', d),
    pkg: JSON.parse(readFileSync(join(repoRoot, 'packages', d, 'package.json'), 'utf8')) as Manifest,
  }));
const published = manifests.filter((m) => !m.pkg.private);
const versions = new Map(published.map((m) => [m.pkg.name, m.pkg.version]));

/** Whether `file` (relative, './x/y') falls under one of the package's `files` entries. */
function shipped(pkg: Manifest, file: string): boolean {
  const rel = file.replace(/^\.\//, '');
  if (rel === 'package.json') return true;
  return (pkg.files ?? []).some((f) => !f.startsWith('!') && (rel === f || rel.startsWith(`${f}/`)));
}

describe.each(published.map((m) => [m.pkg.name, m] as const))('%s, as published', (_name, { dir, pkg }) => {
  it('depends only on public @enxuto packages of the versions in the packed set', () => {
    for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      if (dep.startsWith('@enxuto/')) expect(`${dep}@${range}`).toBe(`${dep}@${versions.get(dep)}`);
    }
  });

  it('leaves onnxruntime-node optional (its install script fetches CUDA files and fails offline)', () => {
    expect(pkg.dependencies?.['onnxruntime-node']).toBeUndefined();
    if (pkg.peerDependencies?.['onnxruntime-node'])
      expect(pkg.peerDependenciesMeta?.['onnxruntime-node']?.optional).toBe(true);
  });

  it('ships, built, every file its exports and bin point at', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.type).toBe('module');
    const targets = [
      ...Object.values(pkg.exports ?? {}).flatMap((e) =>
        typeof e === 'string'
          ? [e]
          : Object.entries(e)
              .filter(([c]) => c !== 'source')
              .map(([, f]) => f),
      ),
      ...Object.values(pkg.bin ?? {}),
    ];
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(shipped(pkg, t), `${t} is not in "files"`).toBe(true);
      expect(existsSync(join(dir, t)), `${t} is missing (npm run build)`).toBe(true);
    }
  });
});

it('the version is the same across the published packages (changesets links them)', () => {
  expect(new Set(versions.values()).size).toBe(1);
});
