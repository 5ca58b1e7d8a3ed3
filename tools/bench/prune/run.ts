// Pruning benchmark. Usage: npx tsx --conditions=source tools/bench/prune/run.ts [section...]
// Sections: lenet300, obd, lenet5, mnist8, channels (default: all). Dense models are cached in
// $TMPDIR/enxuto-prune-bench so a re-run of one section does not retrain them.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneModel, countParameters, type Model } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import {
  countFlops,
  layerSparsity,
  findPrunableLayers,
  pruneChannels,
  pruneChannelsOptions,
  pruneMagnitude,
  pruneMagnitudeOptions,
  pruneObd,
  pruneObdOptions,
  storeSparse,
  storeSparseOptions,
} from '@enxuto/passes-prune';
import { getBackend } from '@enxuto/runtime/node';
import { measureLatency } from '@enxuto/runtime';
import { sharedPath } from '@enxuto/test-support';
import { initBackend } from '@enxuto/train/node';
import { gzipSync } from 'node:zlib';
import { context, lenet300, lenet5, loadDigits, testErrors, trainDense, type Digits } from './setup.js';

/** One-shot rows measure pruning alone (training data means fine-tuning by default). */
const NO_FT = { epochs: 0, finalEpochs: 0 };

const CACHE = join(tmpdir(), 'enxuto-prune-bench');
mkdirSync(CACHE, { recursive: true });
const sections = process.argv.slice(2);
const want = (s: string) => sections.length === 0 || sections.includes(s);
const log = (s: string) => console.log(s);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

async function cachedDense(name: string, build: () => Model, data: Digits, epochs: number, lr: number): Promise<Model> {
  const path = join(CACHE, `${name}-dense-${epochs}ep.onnx`);
  if (existsSync(path)) return readOnnxFile(path);
  const m = build();
  await trainDense(m, data, epochs, lr);
  await writeOnnxFile(m, path);
  return m;
}

/** Non-zero parameters (weights + biases) and the compression over the prunable layers' weights + biases. */
function compression(m: Model): { nonZero: number; total: number; ratio: number; weightSparsity: number } {
  const p = countParameters(m);
  const layers = findPrunableLayers(m.graph).map(layerSparsity);
  const count = layers.reduce((s, l) => s + l.count, 0);
  const nz = layers.reduce((s, l) => s + l.nonZero, 0);
  return { nonZero: p.nonZero, total: p.total, ratio: p.total / p.nonZero, weightSparsity: 1 - nz / count };
}

/** File sizes dense vs sparse initializers (and gzipped); the sparse file must score the same in onnxruntime. */
async function sizes(m: Model, test: Digits): Promise<string> {
  const dense = writeOnnxBytes(m);
  const s = cloneModel(m);
  await storeSparse.run(
    s,
    storeSparseOptions.parse({}),
    context({ x: new Float32Array(0), y: new Int32Array(0), count: 0, shape: [1] }),
  );
  const stored = writeOnnxBytes(s);
  const [e1, e2] = [await testErrors(m, test), await testErrors(await readOnnx(stored), test)];
  return `dense file ${dense.length} B (gzip ${gzipSync(dense).length} B); sparse-initializer file ${stored.length} B (gzip ${gzipSync(stored).length} B); test errors ${e1} dense file vs ${e2} sparse file`;
}

function pct(errors: number): string {
  return `${(errors / 100).toFixed(2)} %`;
}

async function lenet300Section(): Promise<void> {
  const { train, test } = loadDigits([784]);
  const EPOCHS = 20;
  const dense = await cachedDense('lenet300', lenet300, train, EPOCHS, 0.05);
  const denseErr = await testErrors(dense, test);
  log(`\n## LeNet-300-100 (train: 10,000 npm digits; test: official 10,000)\n`);
  log(
    `dense: ${EPOCHS} epochs SGD(0.9) lr 0.05 cosine, wd 1e-4, batch 64: ${denseErr} errors (${pct(denseErr)}) [${elapsed()}]\n`,
  );
  log(`| method | fine-tune epochs | non-zero params | compression | test errors | Δ vs dense |`);
  log(`| --- | --- | --- | --- | --- | --- |`);
  const ctx = context(train);
  const ft = { epochs: 4, batchSize: 64, lr: 0.01, optimizer: 'sgd' as const, weightDecay: 0 };
  const steps = 5;
  const variants: [string, () => Promise<Model>][] = [
    [
      'uniform 91.8 % per layer, one shot (no fine-tune)',
      async () => {
        const m = cloneModel(dense);
        await pruneMagnitude.run(
          m,
          pruneMagnitudeOptions.parse({
            sparsity: 0.918,
            scope: 'layer',
            firstLayer: 1,
            lastLayer: 1,
            finetune: NO_FT,
          }),
          ctx,
        );
        return m;
      },
    ],
    [
      'uniform 91.8 % per layer, 5 steps',
      async () => {
        const m = cloneModel(dense);
        await pruneMagnitude.run(
          m,
          pruneMagnitudeOptions.parse({
            sparsity: 0.918,
            scope: 'layer',
            firstLayer: 1,
            lastLayer: 1,
            schedule: { type: 'polynomial', steps },
            finetune: ft,
          }),
          ctx,
        );
        return m;
      },
    ],
    [
      "Han's per-layer rates (8 % / 9 % / 26 % kept), 5 steps",
      async () => {
        const m = cloneModel(dense);
        await pruneMagnitude.run(
          m,
          pruneMagnitudeOptions.parse({
            sparsity: 0.92,
            scope: 'layer',
            overrides: { fc1: 0.92, fc2: 0.91, fc3: 0.74 },
            schedule: { type: 'polynomial', steps },
            finetune: ft,
          }),
          ctx,
        );
        return m;
      },
    ],
    [
      'global magnitude 92 %, 5 steps',
      async () => {
        const m = cloneModel(dense);
        await pruneMagnitude.run(
          m,
          pruneMagnitudeOptions.parse({
            sparsity: 0.92,
            scope: 'global',
            firstLayer: 1,
            schedule: { type: 'polynomial', steps },
            finetune: ft,
          }),
          ctx,
        );
        return m;
      },
    ],
    [
      'global OBD 92 %, 5 steps',
      async () => {
        const m = cloneModel(dense);
        await pruneObd.run(
          m,
          pruneObdOptions.parse({
            sparsity: 0.92,
            scope: 'global',
            firstLayer: 1,
            samples: 512,
            microBatch: 8,
            schedule: { type: 'polynomial', steps },
            finetune: ft,
          }),
          ctx,
        );
        return m;
      },
    ],
    [
      'global magnitude 92 %, 5 steps + distillation',
      async () => {
        const m = cloneModel(dense);
        await pruneMagnitude.run(
          m,
          pruneMagnitudeOptions.parse({
            sparsity: 0.92,
            scope: 'global',
            firstLayer: 1,
            schedule: { type: 'polynomial', steps },
            finetune: ft,
            distill: { temperature: 4, alpha: 0.7 },
          }),
          ctx,
        );
        return m;
      },
    ],
  ];
  let best: Model | undefined;
  let bestErr = Infinity;
  for (const [name, run] of variants) {
    if (process.env.PRUNE_ONLY && !process.env.PRUNE_ONLY.split(',').some((k) => name.includes(k))) continue;
    const m = await run();
    const e = await testErrors(m, test);
    const c = compression(m);
    const epochs = name.includes('no fine-tune') ? 0 : steps * ft.epochs;
    log(
      `| ${name} | ${epochs} | ${c.nonZero} / ${c.total} | ${c.ratio.toFixed(1)}x | ${e} (${pct(e)}) | ${e - denseErr >= 0 ? '+' : ''}${((e - denseErr) / 100).toFixed(2)} pt |  [${elapsed()}]`,
    );
    if (e < bestErr && c.ratio >= 12) [best, bestErr] = [m, e];
  }
  if (best) log(`\nbest 12x model: ${await sizes(best, test)}`);
}

async function obdSection(): Promise<void> {
  const { train, test } = loadDigits([784]);
  const dense = await cachedDense('lenet300', lenet300, train, 20, 0.05);
  const denseErr = await testErrors(dense, test);
  const ctx = context(train);
  log(`\n## OBD vs magnitude, no fine-tuning (LeNet-300-100, global selection, dense ${pct(denseErr)} error)\n`);
  log(`| sparsity | magnitude test accuracy | OBD test accuracy |`);
  log(`| --- | --- | --- |`);
  for (const s of [0.8, 0.9, 0.95]) {
    const a = cloneModel(dense);
    await pruneMagnitude.run(a, pruneMagnitudeOptions.parse({ sparsity: s, firstLayer: 1, finetune: NO_FT }), ctx);
    const b = cloneModel(dense);
    const obd = { sparsity: s, firstLayer: 1, samples: 1000, microBatch: 1, finetune: NO_FT };
    await pruneObd.run(b, pruneObdOptions.parse(obd), ctx);
    const [ea, eb] = [await testErrors(a, test), await testErrors(b, test)];
    log(`| ${s * 100} % | ${(100 - ea / 100).toFixed(2)} % | ${(100 - eb / 100).toFixed(2)} % |  [${elapsed()}]`);
  }
}

async function lenet5Section(): Promise<void> {
  const { train, test } = loadDigits([1, 28, 28]);
  const EPOCHS = Number(process.env.LENET5_EPOCHS ?? 8);
  const dense = await cachedDense('lenet5', lenet5, train, EPOCHS, 0.02);
  const denseErr = await testErrors(dense, test);
  log(`\n## LeNet-5 (431K parameters)\n`);
  log(`dense: ${EPOCHS} epochs SGD(0.9) lr 0.02 cosine: ${denseErr} errors (${pct(denseErr)}) [${elapsed()}]\n`);
  const ctx = context(train);
  const ft = {
    epochs: Number(process.env.LENET5_FT ?? 2),
    batchSize: 64,
    lr: 0.005,
    optimizer: 'sgd' as const,
    weightDecay: 0,
  };
  const steps = Number(process.env.LENET5_STEPS ?? 3);
  const sparsity = Number(process.env.LENET5_SPARSITY ?? 0.92);
  const distill = process.env.LENET5_DISTILL === '1' ? { distill: { temperature: 4, alpha: 0.7 } } : {};
  const m = cloneModel(dense);
  if (process.env.SKIP_UNSTRUCTURED !== '1') {
    await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({
        sparsity,
        scope: 'global',
        firstLayer: 1,
        schedule: { type: 'polynomial', steps },
        finetune: ft,
        ...distill,
      }),
      ctx,
    );
    const e = await testErrors(m, test);
    const c = compression(m);
    log(
      `global magnitude ${sparsity * 100} %${distill.distill ? ' + distillation' : ''}, ${steps} steps x ${ft.epochs} epochs: ${c.nonZero} / ${c.total} non-zero (${c.ratio.toFixed(1)}x), ${e} errors (${pct(e)}, ${((e - denseErr) / 100).toFixed(2)} pt) [${elapsed()}]`,
    );
    for (const l of findPrunableLayers(m.graph).map(layerSparsity))
      log(`- ${l.name}: ${l.nonZero} / ${l.count} (${(100 * (1 - l.sparsity)).toFixed(1)} % kept)`);
  }

  // Structured: half the channels of every hidden layer, fine-tuned.
  const s = cloneModel(dense);
  const channelDistill = process.env.CHANNEL_DISTILL === '1' ? { distill: { temperature: 4, alpha: 0.7 } } : {};
  const r = await pruneChannels.run(
    s,
    pruneChannelsOptions.parse({
      ratio: Number(process.env.CHANNEL_RATIO ?? 0.5),
      finetune: { ...ft, epochs: Number(process.env.CHANNEL_FT ?? 3), lr: 0.01 },
      ...channelDistill,
    }),
    ctx,
  );
  const es = await testErrors(s, test);
  log(
    `\nprune-channels (L1, ratio ${process.env.CHANNEL_RATIO ?? 0.5}) + ${process.env.CHANNEL_FT ?? 3} fine-tune epochs${channelDistill.distill ? ' with distillation' : ''}: FLOPs ${r.stats.flopsBefore} -> ${r.stats.flopsAfter} (${(100 * (1 - (r.stats.flopsRatio as number))).toFixed(1)} % removed), params ${countParameters(dense).total} -> ${countParameters(s).total}, ${es} errors (${pct(es)}, ${((es - denseErr) / 100).toFixed(2)} pt) [${elapsed()}]`,
  );
  log(`layers: ${JSON.stringify(r.stats.layers)}`);
  const lat = await latencyRatio(dense, s, [64, 1, 28, 28]);
  log(
    `onnxruntime-node latency, batch 64, 1 thread: dense ${lat.dense.toFixed(3)} ms, pruned ${lat.pruned.toFixed(3)} ms, ratio ${(lat.pruned / lat.dense).toFixed(2)}`,
  );
  void countFlops;
}

async function latencyRatio(a: Model, b: Model, shape: number[]): Promise<{ dense: number; pruned: number }> {
  const backend = getBackend('ort-node');
  const x = new Float32Array(shape.reduce((p, d) => p * d, 1)).map((_, i) => (i % 7) / 7);
  // Interleaved rounds, median of the round medians: the machine is shared, so load changes
  // during the run hit both models alike.
  const sessions = await Promise.all([a, b].map((m) => backend.createSession(m, { threads: 1 })));
  const feeds = [a, b].map((m) => ({ [m.graph.inputs[0]!.name]: { dtype: 'float32' as const, shape, data: x } }));
  const rounds: number[][] = [[], []];
  for (let round = 0; round < 7; round++) {
    for (let i = 0; i < 2; i++) {
      const st = await measureLatency(sessions[i]!, feeds[i]!, { runs: 30, warmup: 5, batch: shape[0]! });
      rounds[i]!.push(st.p50Ms);
    }
  }
  await Promise.all(sessions.map((s) => s.release()));
  const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
  return { dense: median(rounds[0]!), pruned: median(rounds[1]!) };
}

async function mnist8Section(): Promise<void> {
  const { train, test } = loadDigits([1, 28, 28], 255);
  const dense = await readOnnxFile(sharedPath('models/onnx-mnist-8/mnist.onnx'));
  const e0 = await testErrorsBatch1(dense, test);
  log(`\n## onnx-mnist-8 (5,994 parameters, 0-255 inputs)\n\ndense: ${e0} errors (${pct(e0)})`);
  const ctx = context(train);
  const steps = Number(process.env.M8_STEPS ?? 2);
  const ftEpochs = Number(process.env.M8_FT ?? 2);
  const lr = Number(process.env.M8_LR ?? 0.0005);
  const distill = process.env.M8_DISTILL === '1' ? { distill: { temperature: 4, alpha: 0.9 } } : {};
  for (const sp of (process.env.M8_SPARSITIES ?? '0.75,0.9').split(',').map(Number)) {
    const m = cloneModel(dense);
    await pruneMagnitude.run(
      m,
      pruneMagnitudeOptions.parse({
        sparsity: sp,
        scope: 'global',
        firstLayer: 1,
        lastLayer: 1,
        schedule: { type: 'polynomial', steps },
        finetune: { epochs: ftEpochs, batchSize: 32, lr, optimizer: 'adam', weightDecay: 0 },
        ...distill,
      }),
      ctx,
    );
    const e = await testErrorsBatch1(m, test);
    const c = compression(m);
    log(
      `- global magnitude ${sp * 100} % (all layers in the shared threshold), ${steps} steps x ${ftEpochs} epochs (Adam ${lr})${distill.distill ? ' + distillation (T 4, α 0.9)' : ''}: ${c.nonZero} / ${c.total} non-zero (${c.ratio.toFixed(1)}x), ${e} errors (${pct(e)}, ${((e - e0) / 100).toFixed(2)} pt) [${elapsed()}]`,
    );
    for (const l of findPrunableLayers(m.graph).map(layerSparsity)) log(`  - ${l.name}: ${l.nonZero} / ${l.count}`);
  }
}

async function testErrorsBatch1(m: Model, d: Digits): Promise<number> {
  // onnx-mnist-8 has a fixed batch of 1 (its Reshape constant says so).
  const s = await getBackend('ort-node').createSession(m);
  let wrong = 0;
  try {
    const input = s.inputs[0]!.name;
    const out = s.outputs[0]!.name;
    for (let i = 0; i < d.count; i++) {
      const r = await s.run(
        { [input]: { dtype: 'float32', shape: [1, 1, 28, 28], data: d.x.subarray(i * 784, (i + 1) * 784) } },
        [out],
      );
      const l = r[out]!.data as Float32Array;
      let best = 0;
      for (let c = 1; c < l.length; c++) if (l[c]! > l[best]!) best = c;
      if (best !== d.y[i]) wrong++;
    }
  } finally {
    await s.release();
  }
  return wrong;
}

await initBackend('wasm');
if (want('lenet300')) await lenet300Section();
if (want('obd')) await obdSection();
if (want('mnist8')) await mnist8Section();
if (want('lenet5')) await lenet5Section();
