// `npm run build -w @enxuto/edge`: builds the app into dist/web (or --out <dir>).
//
// Bundled models, first match wins:
//   --models <dir> / $ENXUTO_EDGE_MODELS / apps/edge/models/ (gitignored): a models.json listing
//     { id, name, file, precision?, pixelRange?, note? } (files relative to the folder), or *.onnx;
//   the demo's trained model (out/demo/mnist-mlp.onnx, made by `npm run demo -- out/demo`; or
//     $ENXUTO_EDGE_DEMO): the demo pipeline (examples/demo.pipeline.yaml) is run on it through
//     `enxuto run` when its int8 output is missing or older, and both models are bundled;
//   nothing: the app still builds, and users open their own models.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveInside } from '@enxuto/io/node';
import { APP_DIR, buildEdgeApp, type BundledModel } from './build-app.js';

const REPO = resolve(APP_DIR, '../..');

function modelsIn(dir: string): BundledModel[] {
  const listFile = join(dir, 'models.json');
  if (existsSync(listFile)) {
    // Paths in the list are relative to the folder and may not leave it.
    const list = JSON.parse(readFileSync(listFile, 'utf8')) as {
      models: (Omit<BundledModel, 'path'> & { file: string })[];
    };
    return list.models.map((m) => ({
      ...m,
      path: resolveInside(dir, m.file, { file: listFile, field: 'models.file' }).path,
    }));
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => ({
      id: f
        .replace(/\.onnx$/, '')
        .toLowerCase()
        .replace(/[^a-z0-9._-]/g, '-'),
      name: f,
      path: join(dir, f),
    }));
}

/** The demo's fp32 MLP and its int8 version, running the demo pipeline when the latter is stale. */
function demoModels(dir: string): BundledModel[] {
  const fp32 = join(dir, 'mnist-mlp.onnx');
  const int8 = join(dir, 'mnist-mlp.optimized.onnx');
  if (!existsSync(fp32)) return [];
  if (!existsSync(int8) || statSync(int8).mtimeMs < statSync(fp32).mtimeMs) {
    console.log(`running the demo pipeline on ${fp32}`);
    const cli = join(REPO, 'packages', 'cli', 'src', 'main.ts');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        cli,
        'run',
        join(REPO, 'examples', 'demo.pipeline.yaml'),
        '--set',
        `input=${fp32}`,
        '--set',
        `outputs.0=${int8}`,
        '--set',
        `report=${join(dir, 'report')}`,
        '--cache-dir',
        join(dir, 'cache'),
      ],
      { cwd: REPO, stdio: 'inherit' },
    );
    if (run.status !== 0) console.warn(`the demo pipeline exited with ${run.status}: bundling what exists`);
  }
  const models: BundledModel[] = [
    { id: 'demo-mlp-fp32', name: 'Demo MLP fp32', path: fp32, precision: 'fp32', pixelRange: 1 },
  ];
  if (existsSync(int8))
    models.push({ id: 'demo-mlp-int8', name: 'Demo MLP int8', path: int8, precision: 'int8', pixelRange: 1 });
  return models;
}

const { values } = parseArgs({ options: { out: { type: 'string' }, models: { type: 'string' } } });
const outDir = resolve(values.out ?? join(APP_DIR, 'dist/web'));
const modelsDir = resolve(values.models ?? process.env.ENXUTO_EDGE_MODELS ?? join(APP_DIR, 'models'));
const demoDir = resolve(process.env.ENXUTO_EDGE_DEMO ?? join(REPO, 'out', 'demo'));

const models = existsSync(modelsDir) ? modelsIn(modelsDir) : demoModels(demoDir);
const result = await buildEdgeApp({ outDir, models, logLevel: 'info' });
console.log(`edge app built in ${result.outDir} (${result.files.length} files, version ${result.version})`);
console.log(
  models.length
    ? `bundled models: ${models.map((m) => m.id).join(', ')}`
    : `no bundled models: none in ${modelsDir}, and no trained demo model in ${demoDir} (run \`npm run demo -- out/demo\` first)`,
);
