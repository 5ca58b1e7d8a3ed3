// Quality of the weight-only variants of small language models (issue 17): size and held-out
// cross-entropy against fp32 for q8, q4 (round to nearest and GPTQ), q4f16, and 3-bit round to
// nearest vs GPTQ, with onnxruntime's own MatMulNBits quantizer (round to nearest, GPTQ, HQQ; see
// ort-reference.ts) as the reference, on tiny-gpt2-hf (stdlib held-out windows, as its build script
// made them) and tiny_gpt_bytes (its heldout_tokens.npy). Records RESULTS-quality.json and renders
// RESULTS.md from it (report.ts); then `node tools/scripts/merge-reports.mjs`.
//   npm run bench:llm-quality -w @enxuto/bench [-- --windows N]   (default 32 held-out windows)
//   npm run bench:llm-quality -w @enxuto/bench -- --all-windows [--variants fp32,q4]
//     fp32, q8, q4 (ours, onnxruntime's) on every held-out window of tiny-gpt2-hf (577; slow),
//     recorded beside the main table.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeVariant } from '@enxuto/hf';
import type { Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { readOnnxFile } from '@enxuto/onnx/node';
import { calibrationBatches, quantizeCalibrated, quantizeWeights } from '@enxuto/passes-quantize';
import { createDataset, evaluateLm, tokensFromNpy, windowsOf, type TokenWindows } from '@enxuto/pipeline';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { stdlibWindows } from './heldout-tokens.js';
import { ortNbits } from './ort-reference.js';
import {
  GPTQ3,
  ORT_GPTQ,
  ORT_Q4,
  OURS_GPTQ,
  OURS_Q4,
  qualityResultsFile,
  readQualityResults,
  RTN3,
  writeResults,
  type ModelResult,
  type Row,
} from './report.js';

const { values } = parseArgs({
  options: {
    windows: { type: 'string', default: '32' },
    'all-windows': { type: 'boolean', default: false },
    variants: { type: 'string' },
  },
});
const allWindows = values['all-windows'];
const maxWindows = allWindows ? Infinity : Number(values.windows);
/** What --all-windows runs unless --variants says (labels start with these words). */
const ALL_WINDOWS_VARIANTS = ['fp32', 'q8', 'q4 round', 'q4 GPTQ', 'onnxruntime q4 round to nearest, embeddings'];
const wanted = values.variants?.split(',') ?? (allWindows ? ALL_WINDOWS_VARIANTS : undefined);

function dataset(w: TokenWindows, count: number) {
  return createDataset({
    description: w.description,
    size: Math.min(count, w.rows),
    shape: [w.length],
    hasLabels: false,
    sample: (i) => ({ input: Float32Array.from(w.ids.subarray(i * w.length, (i + 1) * w.length)) }),
  });
}

async function measure(name: string, file: string, heldout: TokenWindows, calib: TokenWindows): Promise<ModelResult> {
  const model = readOnnxFile(file);
  const floatBytes = writeOnnxBytes(model);
  // onnxruntime's quantizer, block 32 asymmetric as ours; '--gemm-as-matmul' lets it see Gemm weights.
  const ort =
    (...args: string[]) =>
    async () =>
      ortNbits(file, ['--block', '32', ...args], calib, 32);
  const data = dataset(calib, 32);
  const batches = () => [...calibrationBatches(model, data, { batchSize: 8, limit: 32 })];
  const calibration = { batches: batches(), backend: ortNodeBackend };
  const variants: [string, () => Promise<Model>][] = [
    ['fp32', async () => model],
    ['q8 (dynamic int8, 8-bit embeddings)', () => makeVariant(model, 'q8')],
    [OURS_Q4, () => makeVariant(model, 'q4')],
    [OURS_GPTQ, () => makeVariant(model, 'q4', { method: 'gptq', calibration })],
    ['q4f16 round to nearest', () => makeVariant(model, 'q4f16')],
    [
      RTN3,
      async () =>
        quantizeWeights(model, { bits: 3, symmetric: true, minClip: 1, blockSize: 32, embeddings: true }).model,
    ],
    [
      GPTQ3,
      async () =>
        (
          await quantizeCalibrated(model, 'gptq', ortNodeBackend, batches(), {
            bits: 3,
            symmetric: true,
            blockSize: 32,
            embeddings: true,
          })
        ).model,
    ],
    ['onnxruntime q4 round to nearest as it comes (MatMul only)', ort('--algo', 'default')],
    [ORT_Q4, ort('--algo', 'default', '--gather', '--gemm-as-matmul')],
    [ORT_GPTQ, ort('--algo', 'gptq', '--gather', '--gemm-as-matmul')],
    [
      'onnxruntime q4 HQQ, embeddings by round to nearest (Gemm as MatMul)',
      ort('--algo', 'hqq', '--gather', '--gemm-as-matmul'),
    ],
  ];
  const rows: Row[] = [];
  for (const [label, make] of variants) {
    // fp32 always: the others are measured against it.
    if (wanted && label !== 'fp32' && !wanted.some((w) => label.startsWith(w))) continue;
    const t0 = performance.now();
    try {
      const m = await make();
      const r = await evaluateLm(m, heldout, {
        backend: ortNodeBackend,
        reference: floatBytes,
        batchSize: 8,
        maxWindows,
      });
      const row = { crossEntropy: r.crossEntropy, kl: r.kl!, top1: r.top1Agreement! };
      rows.push({ name: label, bytes: writeOnnxBytes(m).byteLength, ...row });
      console.log(
        `${name}: ${label}: ce ${r.crossEntropy.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    } catch (e) {
      // A failing variant is a finding to report, not a reason to lose the others.
      const error = (e as Error).message.split('\n')[0]!;
      rows.push({ name: label, bytes: 0, crossEntropy: NaN, kl: NaN, top1: NaN, error });
      console.log(`${name}: ${label}: failed: ${error}`);
    }
  }

  return {
    name,
    heldout: { windows: Math.min(maxWindows, heldout.rows), description: heldout.description },
    calibration: { windows: Math.min(32, calib.rows), description: calib.description },
    rows,
  };
}

const models: ModelResult[] = [];
const gpt2Dir = sharedPath('models/zoo/tiny-gpt2-hf');
models.push(
  await measure(
    'tiny-gpt2-hf (GPT-2, 4 layers, 1.34 M parameters, tied embeddings)',
    join(gpt2Dir, 'onnx/model.onnx'),
    stdlibWindows(gpt2Dir, 'heldout', 256),
    stdlibWindows(gpt2Dir, 'train', 128, 40),
  ),
);
if (!allWindows) {
  const bytesDir = sharedPath('models/zoo/tiny_gpt_bytes');
  const scripts = sharedPath('models/zoo/_scripts');
  const scriptBytes = readdirSync(scripts)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .flatMap((f) => [...readFileSync(join(scripts, f))]);
  models.push(
    await measure(
      'tiny_gpt_bytes (byte-level GPT)',
      join(bytesDir, 'tiny_gpt.onnx'),
      tokensFromNpy(readFileSync(join(bytesDir, 'heldout_tokens.npy')), 'heldout_tokens.npy'),
      windowsOf(scriptBytes, 128, 'the zoo build scripts (bytes)'),
    ),
  );
}

// Read again just before writing: keep what this run did not measure.
const before = readQualityResults();
const today = new Date().toISOString();
let doc;
if (allWindows) {
  const [m] = models;
  const old = before?.models.find((x) => x.name === m!.name);
  if (!before || !old) throw new Error('run the main table first (without --all-windows)');
  const title = `Every held-out window (${m!.heldout.windows} of ${m!.heldout.description})`;
  old.extra = [...(old.extra ?? []).filter((x) => x.title !== title), { title, measured: today, rows: m!.rows }];
  doc = before;
} else {
  for (const m of models) {
    const extra = before?.models.find((x) => x.name === m.name)?.extra;
    if (extra) m.extra = extra;
  }
  doc = { measured: today.slice(0, 10), models };
}
writeFileSync(qualityResultsFile, `${JSON.stringify(doc, null, 2)}\n`);
console.log(writeResults());
