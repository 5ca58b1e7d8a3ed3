// `enxuto eval <model> --data <spec>`: accuracy, agreement with a reference, size and latency.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readFileChecked } from '@enxuto/io/node';
import { ConfigError, printable } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { defaultBackend } from '@enxuto/runtime/node';
import {
  evaluate,
  evaluateLm,
  modelInputOf,
  openDataset,
  parseYamlSafe,
  readTokenWindows,
  type EvalMetrics,
  type LmEvaluation,
} from '@enxuto/pipeline/node';
import { intOption, parseCommandArgs, positionals, type Command } from './command.js';

/** `--data` is inline YAML/JSON (`{type: mnist, split: validation}`) or a YAML/JSON file. */
function dataSpec(raw: string): { spec: unknown; baseDir: string } {
  if (!raw.trim().startsWith('{') && existsSync(raw) && !statSync(raw).isDirectory()) {
    const { bytes } = readFileChecked(raw, { maxBytes: 1 << 20, option: 'the data spec size' }, { field: '--data' });
    return { spec: parseYamlSafe(new TextDecoder().decode(bytes), raw), baseDir: resolve(raw, '..') };
  }
  return { spec: parseYamlSafe(raw, '--data'), baseDir: process.cwd() };
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);

export function formatMetrics(file: string, m: EvalMetrics): string {
  const rows: [string, string][] = [
    ['samples', String(m.samples)],
    ['top-1 accuracy', pct(m.accuracy)],
    ['top-5 accuracy', pct(m.top5)],
    ['agreement', pct(m.agreement)],
    ['cosine', m.cosine === undefined ? '-' : m.cosine.toFixed(6)],
    ['max abs error', m.maxAbsError === undefined ? '-' : m.maxAbsError.toExponential(3)],
    ['size', `${m.sizeBytes} bytes${m.sizeRatio !== undefined ? ` (${m.sizeRatio.toFixed(3)}x)` : ''}`],
    ['parameters', `${m.parameters} (${m.nonZero} non-zero)`],
    ['latency p50', m.latencyP50Ms === undefined ? '-' : `${m.latencyP50Ms.toFixed(3)} ms`],
  ];
  return `${printable(file)}\n${rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join('\n')}\n`;
}

export function formatLmMetrics(file: string, m: LmEvaluation): string {
  const rows: [string, string][] = [
    ['windows', `${m.windows} x ${m.windowLength} tokens (${m.tokens} predicted)`],
    ['cross-entropy', `${m.crossEntropy.toFixed(4)} nats/token`],
    ['perplexity', m.perplexity.toFixed(3)],
  ];
  if (m.kl !== undefined) {
    rows.push(['KL from ref', `${m.kl.toExponential(3)} nats/token`]);
    rows.push(['top-1 agreement', pct(m.top1Agreement)]);
    rows.push(['top-5 overlap', pct(m.top5Overlap)]);
  }
  return `${file}\n${rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`).join('\n')}\n`;
}

export const evalCommand: Command = {
  name: 'eval',
  summary:
    'evaluate a model on a dataset (accuracy, agreement, size, latency) or a language model on tokens (perplexity, KL)',
  usage: `enxuto eval <model> --data <spec> [--reference <model>] [--batch N] [--max-samples N] [--latency-runs N] [--json]
enxuto eval <model> --tokens <file> [--reference <model>] [--window N] [--tokenizer <tokenizer.json>] [--max-windows N] [--batch N] [--json]

  --data <spec>        a dataset spec as inline YAML/JSON, e.g.
                       '{type: mnist-idx, images: t10k-images-idx3-ubyte.gz, labels: t10k-labels-idx1-ubyte.gz, preprocess: {scale: 255}}'
                       or a YAML/JSON file holding one
  --reference <model>  also report agreement, cosine similarity and max abs error against this model
  --batch N            samples per inference (default 64; falls back to 1 when the model needs it)
  --max-samples N      evaluate at most N samples
  --latency-runs N     batch-1 runs timed for the p50 (default 20; 0 skips)
  --json               print the metrics as JSON (the EvalMetrics of docs/pipelines.md)

  Language models (logits [batch, tokens, vocab] out):
  --tokens <file>      token ids as .npy ([windows, length], or [n] cut into windows), or a text file
                       encoded with the model's tokenizer.json: cross-entropy and perplexity of the
                       next token; with --reference also KL divergence, top-1 agreement and top-5 overlap
  --window N           tokens per window for a stream (default 128)
  --tokenizer <file>   tokenizer.json for text (default: beside the model, or above its onnx/ folder)
  --max-windows N      evaluate at most N windows`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('eval', argv, {
      data: { type: 'string' },
      reference: { type: 'string' },
      batch: { type: 'string' },
      'max-samples': { type: 'string' },
      'latency-runs': { type: 'string' },
      json: { type: 'boolean' },
      tokens: { type: 'string' },
      window: { type: 'string' },
      tokenizer: { type: 'string' },
      'max-windows': { type: 'string' },
    });
    const [file] = positionals('eval', pos, ['model']);
    if (values.tokens !== undefined) {
      if (values.data !== undefined)
        throw new ConfigError('give either --data or --tokens, not both', {
          code: 'cli/bad-argument',
          field: '--tokens',
        });
      const tokens = readTokenWindows(values.tokens, {
        modelPath: resolve(file!),
        ...(values.window !== undefined ? { window: intOption('window', values.window, 128, 2, 1 << 20) } : {}),
        ...(values.tokenizer !== undefined ? { tokenizer: values.tokenizer } : {}),
      });
      const { model } = await readModel(file!);
      const reference = values.reference ? (await readModel(values.reference)).model : undefined;
      const maxWindows = values['max-windows'];
      const metrics = await evaluateLm(model, tokens, {
        backend: defaultBackend(),
        batchSize: intOption('batch', values.batch, 4, 1, 4096),
        ...(reference ? { reference } : {}),
        ...(maxWindows !== undefined ? { maxWindows: intOption('max-windows', maxWindows, 1, 1, 1 << 30) } : {}),
      });
      io.out(values.json ? `${JSON.stringify(metrics, null, 2)}\n` : formatLmMetrics(file!, metrics));
      return 0;
    }
    if (!values.data)
      throw new ConfigError('--data <spec> is required (see enxuto eval --help)', {
        code: 'cli/bad-argument',
        field: '--data',
      });
    const { spec, baseDir } = dataSpec(values.data);
    // Sizes are of the models serialized as ONNX, so a reference in another format compares fairly.
    const { model } = await readModel(file!);
    const modelInput = modelInputOf(model);
    // Paths typed on the command line (or in a spec file given there) are the user's own: they may
    // name any folder, unlike the paths of a pipeline file, which stay inside its roots.
    const dataset = openDataset(spec, { baseDir, field: '--data', ...(modelInput ? { modelInput } : {}) });
    const reference = values.reference ? (await readModel(values.reference)).model : undefined;
    const maxSamples =
      values['max-samples'] !== undefined ? intOption('max-samples', values['max-samples'], 1, 1, 1 << 30) : undefined;
    const metrics = await evaluate(model, dataset, {
      backend: defaultBackend(),
      batchSize: intOption('batch', values.batch, 64, 1, 4096),
      latencyRuns: intOption('latency-runs', values['latency-runs'], 20, 0, 10_000),
      ...(reference ? { reference } : {}),
      ...(maxSamples !== undefined ? { maxSamples } : {}),
    });
    io.out(values.json ? `${JSON.stringify(metrics, null, 2)}\n` : formatMetrics(file!, metrics));
    return 0;
  },
};
