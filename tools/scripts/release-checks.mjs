// What a release would publish, checked without publishing (pack-smoke runs it on its tarballs):
// every tarball passes publint and "are the types wrong" (ESM-only profile: the packages are ESM,
// CommonJS consumers use import()), `npm publish --dry-run` accepts it, and `changeset version`,
// run on a scratch copy of the workspace manifests and changesets, gives every public package
// one new version with its @enxuto dependencies on that version.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const bin = (root, pkg, file) => join(root, 'node_modules', pkg, file);

/**
 * @param {object} o
 * @param {string} o.root the repository
 * @param {string} o.work a scratch folder
 * @param {{ name: string, filename: string }[]} o.packed npm pack --json results
 * @param {string} o.tarballs folder of the tarballs
 * @param {(cmd: string, argv: string[], cwd: string, opts?: object) => { status: number, output: string }} o.run
 * @param {(m: string) => void} o.step
 * @param {(m: string, output?: string) => never} o.fail
 */
export function releaseChecks({ root, work, packed, tarballs, run, step, fail }) {
  step(`publint, "are the types wrong" and npm publish --dry-run on ${packed.length} tarballs`);
  const node = process.execPath;
  for (const { name, filename } of packed) {
    const file = join(tarballs, filename);
    const lint = run(node, [bin(root, 'publint', 'src/cli.js'), '--strict', file], tarballs, { allowFail: true });
    if (lint.status !== 0) fail(`publint: ${name}`, lint.output);
    const types = run(
      node,
      [bin(root, '@arethetypeswrong/cli', 'dist/index.js'), '--profile', 'esm-only', file],
      tarballs,
      {
        allowFail: true,
      },
    );
    if (types.status !== 0) fail(`are the types wrong: ${name}`, types.output);
    const publish = run('npm', ['publish', '--dry-run', '--access', 'public', file], tarballs, { allowFail: true });
    if (publish.status !== 0 || !publish.output.includes(`+ ${name}@`))
      fail(`npm publish --dry-run: ${name}`, publish.output);
  }

  // changeset version on the manifests alone: the same workspaces, the same changesets.
  const scratch = join(work, 'changesets');
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify(rootPkg, null, 2));
  cpSync(join(root, '.changeset'), join(scratch, '.changeset'), { recursive: true });
  const manifests = [];
  for (const pattern of rootPkg.workspaces) {
    const parent = pattern.replace(/\/\*$/, '');
    if (!existsSync(join(root, parent))) continue;
    const dirs = pattern.endsWith('/*') ? readdirSync(join(root, parent)).map((d) => join(parent, d)) : [parent];
    for (const d of dirs) {
      if (!existsSync(join(root, d, 'package.json'))) continue;
      mkdirSync(join(scratch, d), { recursive: true });
      cpSync(join(root, d, 'package.json'), join(scratch, d, 'package.json'));
      manifests.push(d);
    }
  }
  run('git', ['init', '-q'], scratch);
  const cs = run(node, [bin(root, '@changesets/cli', 'bin.js'), 'version'], scratch, { allowFail: true });
  if (cs.status !== 0) fail('changeset version (dry run on a scratch copy)', cs.output);
  const after = manifests.map((d) => JSON.parse(readFileSync(join(scratch, d, 'package.json'), 'utf8')));
  const released = after.filter((p) => !p.private && packed.some((t) => t.name === p.name));
  const versions = new Set(released.map((p) => p.version));
  if (versions.size !== 1) fail(`changeset version gave several versions: ${[...versions].join(', ')}`);
  const [version] = versions;
  const before = packed.find((t) => t.name === released[0].name).version;
  if (version === before) fail(`changeset version left the version at ${before}: no pending changeset`);
  for (const p of released) {
    for (const [dep, range] of Object.entries({ ...p.dependencies, ...p.peerDependencies })) {
      if (dep.startsWith('@enxuto/') && range !== version)
        fail(`after changeset version ${p.name} has ${dep}@${range}`);
    }
    if (!existsSync(join(scratch, manifests[after.indexOf(p)], 'CHANGELOG.md')))
      fail(`changeset version wrote no CHANGELOG.md for ${p.name}`);
  }
  step(
    `changeset version (scratch copy): ${released.length} public packages ${before} -> ${version}, changelogs written`,
  );
}
