// Quantization benchmark: accuracy, size and latency (int8 / fp32 in one run, interleaved) on
// onnxruntime-node and onnxruntime-web; the quantizer's own speed.
// Run: cd packages/passes-quantize && npx tsx --conditions=source bench/quantize.bench.ts [--quick]
import { writeOnnxBytes } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime/node';
import type { Model } from '@enxuto/ir';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel } from '../src/calibrate/evaluate.js';
import { quantizeStatic, type StaticOptions } from '../src/passes/quantize-static.js';
import { quantizeDynamic } from '../src/passes/quantize-dynamic.js';
import { quantizeWeights } from '../src/passes/quantize-weights.js';
import { perAxisParams } from '../src/kernels/params.js';
import { quantizePerAxis } from '../src/kernels/quantize.js';
import { calibrationDigits, mnistModel, mnistModelBytes, testDigits } from '../test/mnist-fixtures.js';
import { randomBatches, randomConvNet, randomMlp, randomTensor } from '../src/graph/test-models.js';
import { compareLatency } from './latency.js';

const quick = process.argv.includes('--quick');
const node = getBackend('ort-node');
const web = getBackend('ort-web');
const backends = [node, web];
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const r3 = (x: number) => x.toFixed(3);

async function mnist(): Promise<void> {
  const evalText = quick ? 'the first 2,000' : 'the 10,000';
  console.log(
    `## mnist-8 (calibration: 256 digits of the \`mnist\` package; evaluation: ${evalText} official test digits)\n`,
  );
  const m = mnistModel();
  const fp32 = mnistModelBytes();
  const variants: [string, Partial<StaticOptions> | 'dynamic' | 'w8' | 'w4' | 'w4dq'][] = [
    ['static QDQ per-channel minmax', { format: 'qdq' }],
    ['static QOperator per-channel minmax', { format: 'qoperator' }],
    ['static QDQ per-tensor minmax', { format: 'qdq', perChannel: false }],
    ['static QDQ per-channel entropy', { format: 'qdq', calibration: 'entropy' }],
    ['static QDQ per-channel percentile', { format: 'qdq', calibration: 'percentile' }],
    ['static QDQ per-channel mse', { format: 'qdq', calibration: 'mse' }],
    ['static QDQ, all layers (first conv int8 too)', { format: 'qdq', minInputChannels: 0 }],
    ['dynamic (MatMul only)', 'dynamic'],
    ['weights int8 (DQ)', 'w8'],
    ['weights int4 (MatMulNBits, block 16)', 'w4'],
    ['weights int4 (block-wise DequantizeLinear, opset 21, block 16)', 'w4dq'],
  ];
  const test = testDigits(quick ? 2000 : undefined);
  const feedsOf = () => datasetBatches(m, test);
  const base = await Promise.all(backends.map((b) => evaluateModel(fp32, b, feedsOf())));
  console.log(
    `fp32: ${pct(base[0]!.accuracy)} (ort-node), ${pct(base[1]!.accuracy)} (ort-web), ${fp32.length} bytes\n`,
  );
  console.log(
    '| variant | acc ort-node | acc ort-web | size vs fp32 | latency ratio ort-node | latency ratio ort-web |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  const x = new Float32Array(784);
  for (let i = 0; i < 784; i++) x[i] = test.sample(0).input[i]!;
  const feeds = { Input3: { dtype: 'float32' as const, shape: [1, 1, 28, 28], data: x } };
  for (const [name, v] of variants) {
    let q: Model;
    let ms = 0;
    if (v === 'dynamic') q = quantizeDynamic(m).model;
    else if (v === 'w8') q = quantizeWeights(m).model;
    else if (v === 'w4') q = quantizeWeights(m, { bits: 4, blockSize: 16 }).model;
    else if (v === 'w4dq')
      q = quantizeWeights(m, { bits: 4, int4Format: 'dequantize', blockSize: 16, compactNames: true }).model;
    else {
      const t0 = performance.now();
      q = (await quantizeStatic(m, node, datasetBatches(m, calibrationDigits(256)), v)).model;
      ms = performance.now() - t0;
    }
    const bytes = writeOnnxBytes(q);
    const acc = await Promise.all(backends.map((b) => evaluateModel(bytes, b, feedsOf())));
    const lat = await Promise.all(
      backends.map((b) => compareLatency(b, [fp32, bytes], feeds, { rounds: quick ? 40 : 150 })),
    );
    console.log(
      `| ${name}${ms ? ` (pass ${ms.toFixed(0)} ms)` : ''} | ${pct(acc[0]!.accuracy)} | ${pct(acc[1]!.accuracy)} | ${r3(bytes.length / fp32.length)} | ${r3(lat[0]!.ratio[1]!)} (${lat[0]!.medianMs[0]!.toFixed(3)} ms fp32) | ${r3(lat[1]!.ratio[1]!)} (${lat[1]!.medianMs[0]!.toFixed(3)} ms fp32) |`,
    );
  }
  console.log();
}

async function computeBound(name: string, model: Model, shape: number[]): Promise<void> {
  const batches = randomBatches(shape, 4);
  const fp32 = writeOnnxBytes(model);
  const qdq = writeOnnxBytes((await quantizeStatic(model, node, batches, { format: 'qdq' })).model);
  const qop = writeOnnxBytes((await quantizeStatic(model, node, batches, { format: 'qoperator' })).model);
  const dyn = writeOnnxBytes(quantizeDynamic(model).model);
  const feeds = { x: { dtype: 'float32' as const, shape, data: batches[0]!.feeds.x!.data } };
  console.log(
    `### ${name}: input [${shape.join(', ')}], fp32 ${(fp32.length / 1e6).toFixed(2)} MB; int8 size ${r3(qdq.length / fp32.length)} (QDQ), ${r3(qop.length / fp32.length)} (QOperator)\n`,
  );
  console.log('| runtime | fp32 ms | QDQ ratio | QOperator ratio | dynamic ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const b of backends) {
    const c = await compareLatency(b, [fp32, qdq, qop, dyn], feeds, {
      rounds: quick ? 6 : 20,
      runsPerRound: 2,
      warmup: 3,
    });
    console.log(
      `| ${b.name} | ${c.medianMs[0]!.toFixed(2)} | ${r3(c.ratio[1]!)} | ${r3(c.ratio[2]!)} | ${r3(c.ratio[3]!)} |`,
    );
  }
  console.log();
}

/** Best of `reps` timings (ms): the machine is shared, the minimum is the least disturbed run. */
function best(reps: number, f: () => void): number {
  for (let i = 0; i < 3; i++) f();
  let ms = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

function quantizerSpeed(): void {
  const shape = [1024, 1024];
  const w = randomTensor(shape, 5).toFloat32();
  const reps = quick ? 10 : 30;
  const copy = new Float32Array(w.length);
  const copyMs = best(reps, () => copy.set(w));
  const allocCopyMs = best(reps, () => void new Float32Array(w.length).set(w));
  const qMs = best(reps, () => {
    const p = perAxisParams(w, shape, 0, { type: 'int8', symmetric: true });
    quantizePerAxis(w, shape, 0, p.scale, p.zeroPoint, 'int8');
  });
  const rate = (ms: number) => `${(((w.length / ms) * 1e3) / 1e6).toFixed(0)} M weights/s`;
  console.log('## quantizer speed (1024 x 1024 per-channel int8: range pass + quantize pass; best of runs)\n');
  console.log(`- quantize: ${qMs.toFixed(2)} ms (${rate(qMs)})`);
  console.log(
    `- Float32Array copy into an existing array (memcpy): ${copyMs.toFixed(3)} ms (${rate(copyMs)}); quantize / copy speed: ${r3(copyMs / qMs)}`,
  );
  console.log(
    `- Float32Array copy into a new array: ${allocCopyMs.toFixed(3)} ms (${rate(allocCopyMs)}); quantize / copy speed: ${r3(allocCopyMs / qMs)}\n`,
  );
}

console.log(
  `# quantization benchmark (${new Date().toISOString()}, ${quick ? 'quick' : 'full'}; sessions with 1 intra-op thread)\n`,
);
quantizerSpeed();
await mnist();
console.log('## compute-bound models (random weights, built through the IR; calibration on 4 random batches)\n');
await computeBound('MLP 3 x 1024 + head, batch 64', randomMlp(1024, 3, 64), [64, 1024]);
await computeBound('conv net 3-64-64-pool-128-128, 32 x 32, batch 16', randomConvNet(64, 32, 16), [16, 3, 32, 32]);
