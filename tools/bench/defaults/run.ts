// Defaults benchmark: each pass with only its target option set, on models trained elsewhere.
// Usage: npx tsx --conditions=source defaults/run.ts [prune-lenet300|distill-lenet300|prune-mnist8|...]
// Extra pass options as JSON in OPTIONS (for comparisons; the recorded rows use none).
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneModel, countParameters, type Model } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { findPrunableLayers, layerSparsity, pruneMagnitude, pruneMagnitudeOptions } from '@enxuto/passes-prune';
import { distill, distillOptions } from '@enxuto/passes-distill';
import { sharedPath } from '@enxuto/test-support';
import { initBackend } from '@enxuto/train/node';
import { context, lenet300, loadDigits, testErrors, trainDense, type Digits } from '../prune/setup.js';

const CACHE = join(tmpdir(), 'enxuto-prune-bench');
mkdirSync(CACHE, { recursive: true });
const extra = JSON.parse(process.env.OPTIONS ?? '{}') as Record<string, unknown>;
const log = (s: string) => console.log(s);
const pct = (e: number, n = 10_000) => `${((e / n) * 100).toFixed(2)} %`;

async function denseLenet300(train: Digits): Promise<Model> {
  const path = join(CACHE, 'lenet300-dense-20ep.onnx');
  if (existsSync(path)) return readOnnxFile(path);
  const m = lenet300();
  await trainDense(m, train, 20, 0.05);
  await writeOnnxFile(m, path);
  return m;
}

async function pruneRow(
  name: string,
  dense: Model,
  train: Digits,
  test: Digits,
  errors: (m: Model) => Promise<number>,
) {
  const e0 = await errors(dense);
  const m = cloneModel(dense);
  const options = { sparsity: 0.917, schedule: { type: 'polynomial' }, ...extra };
  const t = Date.now();
  const r = await pruneMagnitude.run(m, pruneMagnitudeOptions.parse(options), context(train));
  const seconds = (Date.now() - t) / 1000;
  const e = await errors(m);
  const stats = r.stats as { sparsity: number; steps: { epochs?: number }[]; edgeRule: unknown[] };
  const epochs = stats.steps.reduce((s, x) => s + (x.epochs ?? 0), 0);
  log(
    `| ${name} | \`${JSON.stringify(options)}\` | ${pct(e0)} | ${(stats.sparsity * 100).toFixed(1)} % | ${pct(e)} | ${((e - e0) / 100).toFixed(2)} pt | ${epochs} | ${seconds.toFixed(0)} s |`,
  );
  for (const l of findPrunableLayers(m.graph).map(layerSparsity)) log(`  - ${l.name}: ${l.nonZero} / ${l.count} kept`);
  log(`  - edge rule: ${JSON.stringify(stats.edgeRule)}`);
  void test;
}

async function distillRow(name: string, teacher: Model, train: Digits, errors: (m: Model) => Promise<number>) {
  const e0 = await errors(teacher);
  const options = { student: { widthMultiplier: 0.25 }, ...extra };
  const t = Date.now();
  const r = await distill.run(cloneModel(teacher), distillOptions.parse(options), context(train));
  const seconds = (Date.now() - t) / 1000;
  const e = await errors(r.model);
  const s = r.stats as { epochs: number; studentParameters: number };
  log(
    `| ${name} | \`${JSON.stringify(options)}\` | ${pct(e0)} | ${countParameters(teacher).total} → ${s.studentParameters} | ${pct(e)} | ${((e - e0) / 100).toFixed(2)} pt | ${s.epochs} | ${seconds.toFixed(0)} s |`,
  );
}

await initBackend('wasm');
const which = process.argv.slice(2);
const want = (s: string) => which.length === 0 || which.includes(s);
if (want('prune-lenet300') || want('distill-lenet300')) {
  const { train, test } = loadDigits([784]);
  const dense = await denseLenet300(train);
  if (want('prune-lenet300')) await pruneRow('LeNet-300-100', dense, train, test, (m) => testErrors(m, test));
  if (want('distill-lenet300')) await distillRow('LeNet-300-100', dense, train, (m) => testErrors(m, test));
}
void sharedPath;
