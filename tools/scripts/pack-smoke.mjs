// npm run pack:smoke: what a user gets from npm, checked from the packed tarballs. Packs every
// public package. A plugin project on the packed @enxuto/pass alone (with ir and zod) defines a pass
// and runs it with @enxuto/pass/testing; its production dependencies must stay within 25 MB.
// Every tarball passes publint, "are the types wrong" and npm publish --dry-run, and
// `changeset version` is tried on a scratch copy (release-checks.mjs).
// Then the tarballs are installed into an empty project outside the repository (third-party
// packages from the npm cache, the registry only for what the cache lacks), and in that project:
// `npx enxuto --version`, `enxuto new-pass` (a plugin kept as a workspace of the project, built,
// type-checked and tested), `enxuto passes --plugin`, and a pipeline on the shared mnist-8 model
// through a built-in quantizer and the plugin's pass. Prints both install sizes.
//   node tools/scripts/pack-smoke.mjs [--keep] [--offline] [--native] [--pass-only]
// --keep leaves the project for inspection, --offline never asks the registry, --native also
// installs onnxruntime-node as the README says (script denied) and runs the pipeline on it,
// --pass-only stops after the @enxuto/pass project.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { releaseChecks } from './release-checks.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const args = new Set(process.argv.slice(2));
const shared = resolve(process.env.ENXUTO_SHARED ?? join(root, '..', 'shared'));
const t0 = Date.now();

function step(message) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}`);
}

function fail(message, output = '') {
  console.error(`pack-smoke: ${message}${output ? `\n${output.trim().split('\n').slice(-40).join('\n')}` : ''}`);
  process.exit(1);
}

// A user's shell: none of the npm_* variables `npm run` sets for this repository.
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_OPTIONS'),
);

function run(cmd, argv, cwd, { allowFail = false, env = {} } = {}) {
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...userEnv, ...env }, maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 && !allowFail) fail(`${cmd} ${argv.join(' ')} (in ${cwd}) exited ${r.status}`, output);
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output };
}

const npmInstallFlags = ['--no-audit', '--no-fund', args.has('--offline') ? '--offline' : '--prefer-offline'];

/** The public workspaces (packages/*, not private), by folder. */
function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .map((d) => join(root, 'packages', d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

function duBytes(path) {
  let total = 0;
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st || st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  for (const e of readdirSync(path, { withFileTypes: true }))
    if (!e.isSymbolicLink()) total += duBytes(join(path, e.name));
  return total;
}

const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;

function installSize(project) {
  const nm = join(project, 'node_modules');
  const sizes = [];
  for (const e of readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    const names = e.startsWith('@') ? readdirSync(join(nm, e)).map((s) => `${e}/${s}`) : [e];
    for (const n of names) sizes.push([n, duBytes(join(nm, n))]);
  }
  sizes.sort((a, b) => b[1] - a[1]);
  const total = sizes.reduce((s, [, b]) => s + b, 0);
  const enxuto = sizes.filter(([n]) => n.startsWith('@enxuto/')).reduce((s, [, b]) => s + b, 0);
  return { total, enxuto, count: sizes.length, largest: sizes.slice(0, 6) };
}

// 1. Pack.
const work = mkdtempSync(join(tmpdir(), 'enxuto-pack-smoke-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
step(`building and packing into ${tarballs}`);
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], root);
const pkgs = publicPackages();
const packed = JSON.parse(
  run('npm', ['pack', '--json', '--pack-destination', tarballs, ...pkgs.flatMap(({ dir }) => ['-w', dir])], root)
    .stdout,
);
if (packed.length !== pkgs.length) fail(`packed ${packed.length} of ${pkgs.length} public packages`);
const versions = new Map(packed.map((p) => [p.name, p.version]));
for (const { pkg } of pkgs) {
  for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
    if (dep.startsWith('@enxuto/') && versions.get(dep) !== range)
      fail(`${pkg.name} depends on ${dep}@${range}, but the packed set has ${dep}@${versions.get(dep) ?? 'nothing'}`);
  }
}
releaseChecks({ root, work, packed, tarballs, run, step, fail });

// 2. A plugin project that depends only on @enxuto/pass (and ir, zod, which it names in its code):
// production install size, and a pass defined and run on a model built in code.
const PASS_ONLY_BUDGET = 25 * 1048576;
const tarball = (name) => {
  const p = packed.find((t) => t.name === name);
  if (!p) fail(`${name} was not packed`);
  return `file:../tarballs/${p.filename}`;
};
const passOnly = join(work, 'pass-only');
mkdirSync(passOnly);
step(`installing the packed @enxuto/pass alone into ${passOnly}`);
const zodRange = pkgs.find(({ pkg }) => pkg.name === '@enxuto/pass').pkg.dependencies.zod;
writeFileSync(
  join(passOnly, 'package.json'),
  `${JSON.stringify(
    {
      name: 'enxuto-pass-only',
      private: true,
      type: 'module',
      dependencies: { '@enxuto/pass': tarball('@enxuto/pass'), '@enxuto/ir': tarball('@enxuto/ir'), zod: zodRange },
    },
    null,
    2,
  )}\n`,
);
run('npm', ['install', '--omit=dev', ...npmInstallFlags], passOnly);
writeFileSync(
  join(passOnly, 'clamp.mjs'),
  `import { Model, float32Tensor, tensorType } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { testPassContext } from '@enxuto/pass/testing';
import { z } from 'zod';

const clamp = definePass({
  name: 'acme/clamp-weights',
  summary: 'Clamp every float32 weight to [-limit, limit]',
  options: z.strictObject({ limit: z.number().positive().default(1) }),
  async run(model, options, ctx) {
    let clamped = 0;
    for (const v of model.graph.initializers()) {
      ctx.throwIfAborted();
      if (v.const.dtype !== 'float32') continue;
      const values = v.const.toFloat32().map((x) => {
        const y = Math.min(options.limit, Math.max(-options.limit, x));
        if (y !== x) clamped++;
        return y;
      });
      model.graph.setConst(v, float32Tensor([...v.const.shape], values));
    }
    return { model, changed: clamped > 0, stats: { clamped } };
  },
});

const model = new Model();
model.opsetImports.set('', 13);
const g = model.graph;
const x = g.addInput('x', tensorType('float32', [1, 4]));
const w = g.addInitializer('w', float32Tensor([4, 2], [-3, -1, 0, 0.25, 0.5, 1, 2, 4]));
g.setOutputs([g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] }).output()]);
const r = await clamp.run(model, clamp.options.parse({}), testPassContext({ passName: clamp.name }));
console.log(JSON.stringify({ clamped: r.stats.clamped, w: [...r.model.graph.initializers()[0].const.toFloat32()] }));
`,
);
const clamped = JSON.parse(run(process.execPath, ['clamp.mjs'], passOnly).stdout);
if (clamped.clamped !== 3 || clamped.w.join() !== [-1, -1, 0, 0.25, 0.5, 1, 1, 1].join())
  fail(`the pass run with @enxuto/pass/testing gave ${JSON.stringify(clamped)}`);
const passSize = installSize(passOnly);
step(
  `@enxuto/pass alone: ${passSize.count} packages, ${mb(passSize.total)} of production dependencies ` +
    `(budget ${mb(PASS_ONLY_BUDGET)}); ${passSize.largest.map(([n, b]) => `${n} ${mb(b)}`).join(', ')}; ` +
    `a pass defined and run with @enxuto/pass/testing clamped ${clamped.clamped} weights`,
);
if (passSize.total > PASS_ONLY_BUDGET) fail(`a plugin on @enxuto/pass installs ${mb(passSize.total)}, over 25 MB`);
if (args.has('--pass-only')) {
  if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

// The README's allowScripts block for a project using enxuto (npm 11 warns about every dependency
// install script it does not cover): none of these scripts is needed.
const ALLOW_SCRIPTS = { 'onnxruntime-node': false, protobufjs: false, 'core-js': false, 'msgpackr-extract': false };

// 3. Install into an empty project: the tarballs as dependencies, plugins as workspaces.
step(`installing ${packed.length} tarballs into ${project}`);
const projectPkg = {
  name: 'enxuto-pack-smoke',
  private: true,
  type: 'module',
  // As the README says: deny onnxruntime-node's CUDA download; the others are optional extras.
  allowScripts: ALLOW_SCRIPTS,
  dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:../tarballs/${p.filename}`])),
};
writeFileSync(join(project, 'package.json'), `${JSON.stringify(projectPkg, null, 2)}\n`);
const install = run('npm', ['install', ...npmInstallFlags], project);
const warnings = install.output.split('\n').filter((l) => /npm warn/i.test(l));
if (existsSync(join(project, 'node_modules', 'onnxruntime-node')))
  fail('onnxruntime-node was installed, but it is an optional peer dependency');
const size = installSize(project);
step(
  `installed: ${size.count} packages, ${mb(size.total)} (enxuto's own ${mb(size.enxuto)}); largest: ${size.largest
    .map(([n, b]) => `${n} ${mb(b)}`)
    .join(', ')}`,
);
if (warnings.length) fail(`npm install printed ${warnings.length} warnings`, warnings.join('\n'));

// 4. The CLI.
const enxuto = (argv, opts) => run('npx', ['--no-install', 'enxuto', ...argv], project, opts);
const version = enxuto(['--version']).stdout.trim();
if (version !== versions.get('@enxuto/cli')) fail(`enxuto --version printed ${JSON.stringify(version)}`);
// The package name runs it too (its only bin), as `npx @enxuto/cli` does for someone without it.
const byPackage = run('npx', ['--no-install', '@enxuto/cli', '--version'], project).stdout.trim();
if (byPackage !== version) fail(`npx @enxuto/cli --version printed ${JSON.stringify(byPackage)}`);
step(`npx enxuto --version and npx @enxuto/cli --version: ${version}`);

// 5. A plugin, as docs/writing-a-pass.md starts one: scaffold it as a workspace of the project,
// install, build, typecheck, test.
const pluginPkg = '@acme/enxuto-clamp-weights';
const pluginDir = join(project, 'plugins', 'clamp-weights');
enxuto(['new-pass', 'acme/clamp-weights', '--dir', 'plugins/clamp-weights']);
run('npm', ['pkg', 'set', 'workspaces[0]=plugins/*'], project);
run('npm', ['install', ...npmInstallFlags], project);
const scripts = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')).scripts;
for (const script of ['build', 'typecheck', 'test']) {
  if (!scripts[script]) fail(`the scaffolded package has no ${script} script`);
  run('npm', ['run', script, '-w', pluginPkg], project);
}
// Its enxuto dependencies are peers: the project's copies, never a second one of its own.
const own = join(pluginDir, 'node_modules', '@enxuto');
if (existsSync(own)) fail(`the plugin got its own copy of ${readdirSync(own).join(', ')}`);
step(`enxuto new-pass: ${pluginPkg} installs, builds, type-checks and passes its tests`);
const listed = JSON.parse(enxuto(['passes', '--json', '--plugin', pluginPkg]).stdout);
const mine = listed.find((p) => p.name === 'acme/clamp-weights');
if (!mine || mine.source !== pluginPkg)
  fail(`enxuto passes --plugin does not list acme/clamp-weights from ${pluginPkg}`);
step(`enxuto passes --plugin ${pluginPkg}: ${listed.length} passes, acme/clamp-weights among them`);

// 6. A pipeline: a built-in quantizer and the plugin's pass, gates, ONNX and TFLite outputs.
const mnist = (f) => join(shared, 'data', 'mnist', f);
const model = join(shared, 'models', 'onnx-mnist-8', 'mnist.onnx');
if (!existsSync(model)) fail(`the shared corpus is missing: ${model} (set ENXUTO_SHARED)`);
const data = (count) =>
  `{ type: mnist-idx, images: ${mnist('t10k-images-idx3-ubyte.gz')}, labels: ${mnist('t10k-labels-idx1-ubyte.gz')}, count: ${count}, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }`;
writeFileSync(
  join(project, 'pipeline.yaml'),
  `input: ${model}
roots: ['${join(shared, 'data')}']
plugins: ['${pluginPkg}']
data:
  calibration: ${data(32)}
  evaluation: ${data(200)}
evaluation: { latencyRuns: 2 }
passes:
  - fold-constants
  - { type: acme/clamp-weights, options: { limit: 0.5 } }
  - { type: quantize-static, options: { perChannel: true } }
gates:
  - { metric: agreement, min: 0.95 }
outputs:
  - out/mnist.int8.onnx
  - { path: out/mnist.int8.tflite, format: tflite }
report: out/report
`,
);
function runPipeline(expectRuntime) {
  const r = enxuto(['run', 'pipeline.yaml', '--no-cache', '--json']);
  const report = JSON.parse(r.stdout);
  for (const f of ['out/mnist.int8.onnx', 'out/mnist.int8.tflite', 'out/report/report.json', 'out/report/report.html'])
    if (!existsSync(join(project, f))) fail(`enxuto run wrote no ${f}`, r.output);
  const plugin = report.plugins?.find((p) => p.name === pluginPkg);
  if (!plugin) fail(`report.json does not record ${pluginPkg}`, r.stdout);
  if (report.environment.runtime !== expectRuntime)
    fail(`the pipeline ran on ${report.environment.runtime}, expected ${expectRuntime}`, r.stderr);
  const clamp = report.steps.find((s) => s.pass === 'acme/clamp-weights');
  if (!(clamp?.stats?.clamped > 0)) fail('the plugin pass changed nothing', JSON.stringify(clamp));
  step(
    `enxuto run on ${expectRuntime}: ${report.steps.length} steps (clamp-weights clamped ${clamp?.stats?.clamped}), ` +
      `${report.metrics.before.sizeBytes} -> ${report.metrics.after.sizeBytes} bytes, agreement ${report.metrics.after.agreement}`,
  );
  return r;
}
const webRun = runPipeline('ort-web');
if (!/onnxruntime-node is not installed/.test(webRun.stderr))
  fail('running on onnxruntime-web without saying so', webRun.stderr);

// 7. Optionally, the native runtime the way the README installs it.
if (args.has('--native')) {
  run('npm', ['install', ...npmInstallFlags, 'onnxruntime-node@1.30.0'], project);
  runPipeline('ort-node');
}

if (args.has('--keep')) step(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
step('pack smoke passed');
