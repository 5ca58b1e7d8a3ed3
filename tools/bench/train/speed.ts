// Training speed of @enxuto/train on tfjs-backend-wasm against the backend's own GEMM bound and
// PyTorch, measured in one run. Usage (from the repository root):
//   flock /tmp/enxuto-bench.lock npx tsx --conditions=source tools/bench/train/speed.ts [--write]
// With --write the table goes to tools/bench/train/RESULTS.md (merged into BENCHMARKS.md by
// `npm run bench:merge -w @enxuto/bench`). TORCH_PYTHON names a Python with torch for the peer
// figure (default: python3; skipped when torch does not import).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Model } from '@enxuto/ir';
import { arrayBatches, compileGraph, initBackend, train, wasmThreadCount } from '@enxuto/train/node';
import { lenet5 } from '../prune/setup.js';
import { mlp, mobileNetStyle } from './models.js';

const args = process.argv.slice(2);
const ROUNDS = 5;
const STEPS = 24;
const BATCH = 64;

interface Case {
  name: string;
  build: () => Model;
  sample: number[];
}

const CASES: Case[] = [
  { name: 'MLP 784-800-800-10', build: () => mlp([784, 800, 800, 10]), sample: [784] },
  { name: 'LeNet-5', build: () => lenet5(), sample: [1, 28, 28] },
  { name: 'MobileNet-style (3x32x32)', build: () => mobileNetStyle(), sample: [3, 32, 32] },
];

export interface CaseResult {
  name: string;
  threads: number;
  stepMs: number;
  forwardMs: number;
  stepOverForward: number;
  samplesPerSecond: number;
  boundMs?: number;
  boundSamplesPerSecond?: number;
  ofBound?: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function randomData(sample: number[], count: number): { x: Float32Array; y: Int32Array } {
  const per = sample.reduce((a, b) => a * b, 1);
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) as number;
  return {
    x: Float32Array.from({ length: per * count }, next),
    y: Int32Array.from({ length: count }, () => Math.floor(next() * 10)),
  };
}

/** Median wall time of one training step inside the real train() loop (first steps skipped). */
async function stepTime(model: Model, sample: number[]): Promise<number> {
  const { x, y } = randomData(sample, BATCH * STEPS);
  const stamps: number[] = [];
  await train(model, {
    data: arrayBatches(x, sample, y),
    epochs: 1,
    batchSize: BATCH,
    shuffle: false,
    onProgress: (p) => p.phase === 'step' && stamps.push(performance.now()),
  });
  const steps = stamps.slice(3).map((t, i) => t - stamps[i + 2]!);
  return median(steps);
}

/** Median wall time of an inference forward pass of the same batch. */
function forwardTime(model: Model, sample: number[], reps = 10): number {
  const exe = compileGraph(model);
  const { x } = randomData(sample, BATCH);
  const input = tf.tensor(x, [BATCH, ...sample]);
  const times: number[] = [];
  try {
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      const out = exe.run({ [exe.inputNames[0]!]: input });
      for (const t of Object.values(out)) {
        t.dataSync();
        t.dispose();
      }
      if (i >= 2) times.push(performance.now() - t0);
    }
  } finally {
    input.dispose();
    exe.dispose();
  }
  return median(times);
}

/**
 * The MLP step's products at the backend's own GEMM speed: every product of the step on its
 * exact shapes, each with a right operand the backend has already packed (its best case).
 */
function gemmBound(widths: readonly number[], reps = 10): number {
  const shapes: [number[], number[]][] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const [k, n] = [widths[i]!, widths[i + 1]!];
    shapes.push([
      [BATCH, k],
      [k, n],
    ]); // forward
    shapes.push([
      [k, BATCH],
      [BATCH, n],
    ]); // weight gradient
    if (i > 0)
      shapes.push([
        [BATCH, n],
        [n, k],
      ]); // input gradient (not for the first layer)
  }
  const operands = shapes.map(([a, b]) => [tf.randomNormal(a), tf.randomNormal(b)] as const);
  const times: number[] = [];
  try {
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      for (const [a, b] of operands) tf.matMul(a, b).dispose();
      if (i >= 2) times.push(performance.now() - t0);
    }
  } finally {
    for (const [a, b] of operands) tf.dispose([a, b]);
  }
  return median(times);
}

async function measure(c: Case, threads: number): Promise<CaseResult> {
  const widths = c.name.startsWith('MLP') ? [784, 800, 800, 10] : undefined;
  const ratios: number[] = [];
  const steps: number[] = [];
  const forwards: number[] = [];
  const bounds: number[] = [];
  const model = c.build();
  for (let r = 0; r < ROUNDS; r++) {
    const step = await stepTime(model, c.sample);
    const forward = forwardTime(model, c.sample);
    steps.push(step);
    forwards.push(forward);
    ratios.push(step / forward);
    if (widths) bounds.push(gemmBound(widths) / step);
  }
  const stepMs = median(steps);
  const result: CaseResult = {
    name: c.name,
    threads,
    stepMs,
    forwardMs: median(forwards),
    stepOverForward: median(ratios),
    samplesPerSecond: (BATCH * 1000) / stepMs,
  };
  if (widths) {
    result.ofBound = median(bounds);
    result.boundSamplesPerSecond = result.samplesPerSecond / result.ofBound;
    result.boundMs = stepMs * result.ofBound;
  }
  return result;
}

async function child(threads: number): Promise<void> {
  await initBackend('wasm', { threads });
  const out: CaseResult[] = [];
  for (const c of CASES) {
    if (threads > 1 && !c.name.startsWith('MLP')) continue;
    out.push(await measure(c, wasmThreadCount()));
    console.error(`  ${c.name}, ${threads} thread(s): done`);
  }
  console.log(JSON.stringify(out));
}

function runChild(threads: number): CaseResult[] {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', String(threads)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as CaseResult[];
}

interface TorchResult {
  version: string;
  mlp: Record<string, number>;
}

function torchPeer(): TorchResult | undefined {
  const python = process.env.TORCH_PYTHON ?? 'python3';
  try {
    const out = execFileSync(python, [join(import.meta.dirname, 'torch_speed.py')], { encoding: 'utf8' });
    return JSON.parse(out) as TorchResult;
  } catch (e) {
    console.error(`  PyTorch peer skipped: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function report(rows: CaseResult[], torch: TorchResult | undefined): string {
  const f = (v: number | undefined, d = 0) => (v === undefined ? '' : v.toFixed(d));
  const lines = [
    '## Training speed (`@enxuto/train`, tfjs-backend-wasm)',
    '',
    `\`tools/bench/train/speed.ts\`: batch ${BATCH}, SGD with momentum (train()'s default), random data;`,
    `each figure the median of ${ROUNDS} interleaved rounds (step time = median step of a ${STEPS}-step`,
    'epoch run by the real `train()` loop; forward = inference pass of the same batch; bound = every',
    "product of the MLP's step on its exact shapes with the backend's own GEMM, right operand",
    'pre-packed). Measured on the shared 2-core machine, other work running.',
    '',
    '| model | threads | step ms | samples/s | forward ms | step / forward | GEMM bound samples/s | of bound |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.threads} | ${f(r.stepMs, 2)} | ${f(r.samplesPerSecond)} | ${f(r.forwardMs, 2)} | ${f(r.stepOverForward, 2)} | ${f(r.boundSamplesPerSecond)} | ${f(r.ofBound, 2)} |`,
    ),
    '',
  ];
  if (torch) {
    const mlpRow = (t: number) => rows.find((r) => r.name.startsWith('MLP') && r.threads === t);
    lines.push(`PyTorch ${torch.version} (same MLP, batch, optimizer; CPU):`);
    for (const [threads, sps] of Object.entries(torch.mlp)) {
      const ours = mlpRow(Number(threads));
      const ratio = ours ? ` — enxuto ${(ours.samplesPerSecond / sps).toFixed(2)}x` : '';
      lines.push(`- ${threads} thread(s): ${sps.toFixed(0)} samples/s${ratio}`);
    }
    lines.push('');
  }
  lines.push(
    `- measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}`,
  );
  return lines.join('\n');
}

if (args[0] === '--child') {
  await child(Number(args[1]));
} else {
  const rows = [...runChild(1), ...runChild(2)];
  const text = report(rows, torchPeer());
  console.log(text);
  if (args.includes('--write')) writeFileSync(join(import.meta.dirname, 'RESULTS.md'), `${text}\n`);
}
