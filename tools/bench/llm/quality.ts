// Quality of the weight-only variants of small language models (issue 17): size and held-out
// cross-entropy against fp32 for q8, q4 (round to nearest and GPTQ), q4f16, and 3-bit round to
// nearest vs GPTQ, with onnxruntime's own MatMulNBits quantizer (round to nearest, GPTQ, HQQ; see
// ort-reference.ts) as the reference, on tiny-gpt2-hf (stdlib held-out windows, as its build script
// made them) and tiny_gpt_bytes (its heldout_tokens.npy). Writes tools/bench/llm/RESULTS.md (with the
// streaming figures of RESULTS-stream.json when present); then `node tools/scripts/merge-reports.mjs`.
//   npm run bench:llm-quality -w @enxuto/bench [-- --windows N]
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
import { streamSection } from './stream-report.js';

const { values } = parseArgs({ options: { windows: { type: 'string', default: '100000' } } });
const maxWindows = Number(values.windows);

function dataset(w: TokenWindows, count: number) {
  return createDataset({
    description: w.description,
    size: Math.min(count, w.rows),
    shape: [w.length],
    hasLabels: false,
    sample: (i) => ({ input: Float32Array.from(w.ids.subarray(i * w.length, (i + 1) * w.length)) }),
  });
}

interface Row {
  name: string;
  bytes: number;
  crossEntropy: number;
  kl: number;
  top1: number;
  error?: string;
}

const RTN3 = '3-bit symmetric round to nearest (block 32)';
const GPTQ3 = '3-bit symmetric GPTQ (block 32)';
const OURS_Q4 = 'q4 round to nearest (block 32, asymmetric)';
const OURS_GPTQ = 'q4 GPTQ (block 32, asymmetric; 32 calibration windows)';
const ORT_Q4 = 'onnxruntime q4 round to nearest, embeddings too (Gemm as MatMul)';
const ORT_GPTQ = 'onnxruntime q4 GPTQ, embeddings by round to nearest (Gemm as MatMul)';

async function measure(name: string, file: string, heldout: TokenWindows, calib: TokenWindows): Promise<string> {
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

  const base = rows[0]!;
  const windows = Math.min(maxWindows, heldout.rows);
  const lines = [
    `### ${name}`,
    '',
    `Held-out: ${windows} of ${heldout.description}; fp32 perplexity **${Math.exp(base.crossEntropy).toFixed(2)}**. Calibration (GPTQ): ${Math.min(32, calib.rows)} windows of ${calib.description}.`,
    '',
    '| variant | bytes | size vs fp32 | cross-entropy (nats) | vs fp32 | KL from fp32 | top-1 agreement |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      r.error
        ? `| ${r.name} | failed: ${r.error.replace(/\|/g, '/').slice(0, 200)} | | | | | |`
        : `| ${r.name} | ${r.bytes.toLocaleString('en')} | ${(r.bytes / base.bytes).toFixed(3)}x | ${r.crossEntropy.toFixed(4)} | ${r === base ? '' : `${(((r.crossEntropy - base.crossEntropy) / base.crossEntropy) * 100).toFixed(2)} %`} | ${r === base ? '' : r.kl.toFixed(4)} | ${r === base ? '' : `${(r.top1 * 100).toFixed(1)} %`} |`,
    ),
  ];
  const increase = (label: string) => {
    const r = rows.find((x) => x.name === label);
    return r ? r.crossEntropy - base.crossEntropy : NaN;
  };
  const rtn3 = increase(RTN3);
  const gptq3 = increase(GPTQ3);
  if (Number.isFinite(rtn3) && Number.isFinite(gptq3))
    lines.push(
      '',
      `3-bit: GPTQ recovers **${((1 - gptq3 / rtn3) * 100).toFixed(0)} %** of round to nearest's cross-entropy increase.`,
    );
  const pct = (d: number) => `${((d / base.crossEntropy) * 100).toFixed(2)} %`;
  const vs = (ours: string, theirs: string, what: string) => {
    const [a, b] = [increase(ours), increase(theirs)];
    const [sa, sb] = [rows.find((x) => x.name === ours)!.bytes, rows.find((x) => x.name === theirs)!.bytes];
    if (Number.isFinite(a) && Number.isFinite(b))
      lines.push(
        '',
        `${what}: enxuto +${pct(a)} at ${(sa / base.bytes).toFixed(3)}x, onnxruntime +${pct(b)} at ${(sb / base.bytes).toFixed(3)}x.`,
      );
  };
  vs(OURS_Q4, ORT_Q4, 'q4 round to nearest vs onnxruntime (same weights quantized)');
  vs(OURS_GPTQ, ORT_GPTQ, 'q4 GPTQ vs onnxruntime (same calibration windows)');
  return lines.join('\n');
}

const sections: string[] = [];
const gpt2Dir = sharedPath('models/zoo/tiny-gpt2-hf');
sections.push(
  await measure(
    'tiny-gpt2-hf (GPT-2, 4 layers, 1.34 M parameters, tied embeddings)',
    join(gpt2Dir, 'onnx/model.onnx'),
    stdlibWindows(gpt2Dir, 'heldout', 256),
    stdlibWindows(gpt2Dir, 'train', 128, 40),
  ),
);
const bytesDir = sharedPath('models/zoo/tiny_gpt_bytes');
const scripts = sharedPath('models/zoo/_scripts');
const scriptBytes = readdirSync(scripts)
  .filter((f) => f.endsWith('.py'))
  .sort()
  .flatMap((f) => [...readFileSync(join(scripts, f))]);
sections.push(
  await measure(
    'tiny_gpt_bytes (byte-level GPT)',
    join(bytesDir, 'tiny_gpt.onnx'),
    tokensFromNpy(readFileSync(join(bytesDir, 'heldout_tokens.npy')), 'heldout_tokens.npy'),
    windowsOf(scriptBytes, 128, 'the zoo build scripts (bytes)'),
  ),
);

const stream = streamSection();
if (stream) sections.push(stream);

const doc = `## Language models: weight-only variants (\`@enxuto/hf\`, passes-quantize)

Measured with \`tools/bench/llm/quality.ts\` in onnxruntime-node (cross-entropy of the next token
over every position but the last of each window; KL and top-1 agreement against the fp32 model's
next-token distributions), sizes of the written ONNX files. Measured ${new Date().toISOString().slice(0, 10)} on the shared 2-core machine.

The reference is onnxruntime's own MatMulNBits quantizer (\`ort_nbits.py\`, onnxruntime 1.30's
\`MatMulNBitsQuantizer\`, from a Python venv): its blockwise round to nearest (\`default\`), its GPTQ
(Intel Neural Compressor's, vendored in onnxruntime, with its defaults: dampening 0.01, no act order)
on the same 32 calibration windows as ours, and HQQ; block 32, asymmetric, as ours. It only takes
MatMul (and Gather, by round to nearest): "as it comes" leaves GPT-2's Gemm layers and the
embeddings float; "Gemm as MatMul" rewrites each Gemm as MatMul + Add first so that it quantizes the
same weights as ours.

onnxruntime 1.30's GPTQ gives exactly the codes of its round to nearest: its vendored \`gptq()\`
(\`onnxruntime/quantization/neural_compressor/weight_only.py\`) spreads each column's rounding error
with \`Hinv1[i:, i]\` and \`Hinv[i2:, i1:i2]\`, a column and a block below the diagonal of the *upper*
Cholesky factor of H⁻¹, which are zero (GPTQ reads row i, \`Hinv1[i, i:]\`), so no error reaches the
weights still to quantize. Checked apart from the models: on a random 128x64 layer with correlated
inputs its result equals plain round to nearest to 2.5e-8.

${sections.join('\n\n')}
`;
writeFileSync(join(import.meta.dirname, 'RESULTS.md'), doc);
console.log(doc);
