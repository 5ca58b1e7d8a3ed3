// RESULTS.md of the language-model benchmarks, rendered only from the measurements kept beside it
// (RESULTS-quality.json from quality.ts, RESULTS-stream.json from stream.ts, RESULTS-decoder.json
// from decoder-web.ts), so that every
// sentence comes from this generator: text added by hand to RESULTS.md would be lost by the next
// run, so a test checks that the file is exactly what this renders. Remarks that belong to one run
// go into its JSON record (`note`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamSection } from './stream-report.js';

export const resultsMd = join(import.meta.dirname, 'RESULTS.md');
export const qualityResultsFile = join(import.meta.dirname, 'RESULTS-quality.json');
export const decoderResultsFile = join(import.meta.dirname, 'RESULTS-decoder.json');

export interface Row {
  name: string;
  bytes: number;
  crossEntropy: number;
  kl: number;
  top1: number;
  error?: string;
}

export interface ModelResult {
  name: string;
  heldout: { windows: number; description: string };
  calibration: { windows: number; description: string };
  rows: Row[];
  /** Other measurements of this model (e.g. on every held-out window), each a sentence or a table. */
  extra?: ExtraResult[];
}

export interface ExtraResult {
  title: string;
  measured: string;
  rows: Row[];
  note?: string;
}

export interface QualityResults {
  measured: string;
  models: ModelResult[];
}

export const RTN3 = '3-bit symmetric round to nearest (block 32)';
export const GPTQ3 = '3-bit symmetric GPTQ (block 32)';
export const OURS_Q4 = 'q4 round to nearest (block 32, asymmetric)';
export const OURS_GPTQ = 'q4 GPTQ (block 32, asymmetric; 32 calibration windows)';
export const ORT_Q4 = 'onnxruntime q4 round to nearest, embeddings too (Gemm as MatMul)';
export const ORT_GPTQ = 'onnxruntime q4 GPTQ, embeddings by round to nearest (Gemm as MatMul)';

function table(rows: Row[]): string[] {
  const base = rows[0]!;
  return [
    '| variant | bytes | size vs fp32 | cross-entropy (nats) | perplexity | vs fp32 | KL from fp32 | top-1 agreement |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      r.error
        ? `| ${r.name} | failed: ${r.error.replace(/\|/g, '/').slice(0, 200)} | | | | | | |`
        : `| ${r.name} | ${r.bytes.toLocaleString('en')} | ${(r.bytes / base.bytes).toFixed(3)}x | ${r.crossEntropy.toFixed(4)} | ${Math.exp(r.crossEntropy).toFixed(2)} | ${r === base ? '' : `${(((r.crossEntropy - base.crossEntropy) / base.crossEntropy) * 100).toFixed(2)} %`} | ${r === base ? '' : r.kl.toFixed(4)} | ${r === base ? '' : `${(r.top1 * 100).toFixed(1)} %`} |`,
    ),
  ];
}

function modelSection(m: ModelResult): string {
  const rows = m.rows;
  const base = rows[0]!;
  const lines = [
    `### ${m.name}`,
    '',
    `Held-out: ${m.heldout.windows} of ${m.heldout.description}; fp32 perplexity **${Math.exp(base.crossEntropy).toFixed(2)}**. Calibration (GPTQ): ${m.calibration.windows} windows of ${m.calibration.description}.`,
    '',
    ...table(rows),
  ];
  const increase = (label: string) => {
    const r = rows.find((x) => x.name === label && !x.error);
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
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    const [sa, sb] = [rows.find((x) => x.name === ours)!.bytes, rows.find((x) => x.name === theirs)!.bytes];
    lines.push(
      '',
      `${what}: enxuto +${pct(a)} at ${(sa / base.bytes).toFixed(3)}x, onnxruntime +${pct(b)} at ${(sb / base.bytes).toFixed(3)}x.`,
    );
  };
  vs(OURS_Q4, ORT_Q4, 'q4 round to nearest vs onnxruntime (same weights quantized)');
  vs(OURS_GPTQ, ORT_GPTQ, 'q4 GPTQ vs onnxruntime (same calibration windows)');
  for (const x of m.extra ?? []) {
    lines.push('', `#### ${x.title} (measured ${x.measured.slice(0, 16).replace('T', ' ')} UTC)`, '');
    if (x.note) lines.push(x.note, '');
    lines.push(...table(x.rows));
  }
  return lines.join('\n');
}

const INTRO = `## Language models: weight-only variants (\`@enxuto/hf\`, passes-quantize)

Measured with \`tools/bench/llm/quality.ts\` in onnxruntime-node (cross-entropy of the next token
over every position but the last of each window; KL and top-1 agreement against the fp32 model's
next-token distributions), sizes of the written ONNX files.

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
inputs its result equals plain round to nearest to 2.5e-8.`;

interface DecoderResults {
  measured: string;
  tokens: number;
  rounds: number;
  loadAverage: number;
  chromium: string;
  rows: { model: string; precision: string; bytes: number; tokensPerSecond: number; sameTokens: string }[];
}

function decoderSection(): string | undefined {
  if (!existsSync(decoderResultsFile)) return undefined;
  const d: DecoderResults = JSON.parse(readFileSync(decoderResultsFile, 'utf8'));
  const base = d.rows[0]!;
  return [
    '### Decoder tokens per second in the browser (edge app, onnxruntime-web)',
    '',
    `\`npm run bench:llm-decoder-web -w @enxuto/bench\`: the edge app's Decoder speed card in Chromium ${d.chromium} (headless, onnxruntime-web wasm) generates ${d.tokens} tokens greedily with the KV cache after the same 8-token prompt, after a 4-token warm-up, with tiny-gpt2-hf and its variants written by \`enxuto variants\`; median of ${d.rounds} rounds, models interleaved. Measured ${d.measured.slice(0, 16).replace('T', ' ')} UTC, load average ${d.loadAverage} on the shared 2-core machine (the ratios matter more than the absolute figures).`,
    '',
    "| model | bytes | size vs fp32 | tokens/s | speed vs fp32 | greedy tokens equal to fp32's |",
    '| --- | --- | --- | --- | --- | --- |',
    ...d.rows.map(
      (r) =>
        `| ${r.model} | ${r.bytes.toLocaleString('en')} | ${(r.bytes / base.bytes).toFixed(3)}x | ${r.tokensPerSecond.toFixed(1)} | ${(r.tokensPerSecond / base.tokensPerSecond).toFixed(2)}x | ${r.sameTokens} |`,
    ),
  ].join('\n');
}

export function readQualityResults(): QualityResults | undefined {
  return existsSync(qualityResultsFile) ? JSON.parse(readFileSync(qualityResultsFile, 'utf8')) : undefined;
}

/** RESULTS.md as the recorded measurements give it. */
export function renderResults(): string {
  const q = readQualityResults();
  const sections = [INTRO];
  if (q) {
    sections.push(`Quality measured ${q.measured} on the shared 2-core machine.`);
    sections.push(...q.models.map(modelSection));
  }
  const stream = streamSection();
  if (stream) sections.push(stream);
  const decoder = decoderSection();
  if (decoder) sections.push(decoder);
  return `${sections.join('\n\n')}\n`;
}

export function writeResults(): string {
  const doc = renderResults();
  writeFileSync(resultsMd, doc);
  return doc;
}
