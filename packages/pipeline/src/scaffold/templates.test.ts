// examples/plugin-example is exactly what `enxuto new-pass example/clamp-weights --package
// @enxuto/plugin-example` writes inside this repository, plus `"private": true` (it is not published)
// and a vitest.config.ts that reports to the repository's test summary. Regenerate it with
// ENXUTO_UPDATE_EXAMPLE=1 npx vitest run src/scaffold/templates.test.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { repoRoot } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { passPackageFiles } from './templates.js';

const exampleDir = join(repoRoot, 'examples', 'plugin-example');
const REPO_ONLY = ['vitest.config.ts'];
const generated = passPackageFiles({
  pass: 'example/clamp-weights',
  packageName: '@enxuto/plugin-example',
  enxutoVersion: JSON.parse(readFileSync(join(repoRoot, 'packages', 'ir', 'package.json'), 'utf8')).version,
}).map(([rel, text]): [string, string] => {
  if (rel !== 'package.json') return [rel, text];
  const { name, version, ...rest } = JSON.parse(text);
  return [rel, `${JSON.stringify({ name, version, private: true, ...rest }, null, 2)}\n`];
});

describe('examples/plugin-example', () => {
  if (process.env.ENXUTO_UPDATE_EXAMPLE === '1')
    for (const [rel, text] of generated) writeFileSync(join(exampleDir, rel), text);

  it.each(generated)('%s is what the scaffold writes', (rel, text) => {
    expect(readFileSync(join(exampleDir, rel), 'utf8')).toBe(text);
  });

  it('has no other files', () => {
    const files = readdirSync(exampleDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => relative(exampleDir, join(d.parentPath, d.name)).split(sep).join('/'))
      .filter((f) => !/^(node_modules|dist)\//.test(f))
      .sort();
    expect(files).toEqual([...generated.map(([rel]) => rel), ...REPO_ONLY].sort());
  });

  it('depends on the pass API only, at the workspace version, and quotes its plugin name in YAML', () => {
    const pkg = JSON.parse(generated.find(([rel]) => rel === 'package.json')![1]);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@enxuto/ir', '@enxuto/pass', 'zod']);
    expect(pkg.peerDependencies['@enxuto/pass']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts).toMatchObject({ build: expect.any(String), typecheck: expect.any(String), test: 'vitest run' });
    expect(generated.find(([rel]) => rel === 'README.md')![1]).toContain("plugins: ['@enxuto/plugin-example']");
  });
});
