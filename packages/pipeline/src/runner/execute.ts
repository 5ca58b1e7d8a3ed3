// The part of a run that is the same wherever it runs (the CLI in Node, a Web Worker in the edge
// app): the input's metrics, each pass through the step store (keyed by everything before it),
// per-step metrics, the gates and the report. What differs — reading the input and data, writing
// outputs, where cached steps live, how to hash — comes in through `ExecuteParts`.
import { checkModel, type Model } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import type { PipelineConfig } from '../config/schema.js';
import type { ResolvedPass } from '../config/validate.js';
import {
  collectOutputs,
  latencyP50,
  metricsFromOutputs,
  type DatasetOutputs,
  type EvalMetrics,
} from '../eval/evaluate.js';
import type { DataRole, Dataset, Logger } from '@enxuto/pass';
import { REPORT_SCHEMA_VERSION, type PipelineReport, type ReportStep } from '../report/report-types.js';
import type { InferenceBackend } from '@enxuto/runtime';
import { stepKeyText } from './step-key.js';
import { throwIfAborted } from './context.js';
import { checkGate, type GateResult } from './gates.js';
import type { ProgressSink } from './progress-sink.js';
import { fileHashes, type OptionFileHost } from './option-files.js';
import { runOnePass } from './run-pass.js';
import type { StepStore, StoredStep } from './step-store.js';

/** SHA-256 as lower-case hex (node:crypto in Node, Web Crypto in a page). */
export type Hasher = (data: Uint8Array | string) => string | Promise<string>;

export interface ExecuteParts {
  config: PipelineConfig;
  passes: readonly ResolvedPass[];
  /** The input model, read and checked. */
  model: Model;
  /** First link of the key chain: everything the passes read besides the model (runKey). */
  runKey: (modelHash: string) => string | Promise<string>;
  /** Identity of a pass's code, for its key (a plugin's version and hash, or enxuto's). */
  codeOf: (p: ResolvedPass) => string;
  hash: Hasher;
  store: StepStore | undefined;
  data: Partial<Record<DataRole, Dataset>>;
  backend: InferenceBackend;
  signal: AbortSignal;
  logger: Logger;
  progress: ProgressSink;
  /** The files named in pass options: hashed into step keys, read by ctx.readFile. */
  files?: OptionFileHost;
  /** Scratch folder a pass may use between runs (Node only). */
  passCacheDir?: (p: ResolvedPass) => string | undefined;
  /** The pipeline file, for messages. */
  file: string | undefined;
}

export interface Executed {
  model: Model;
  modelBytes: Uint8Array;
  steps: ReportStep[];
  before: EvalMetrics;
  after: EvalMetrics;
  gates: GateResult[];
  failed: GateResult[];
}

const now = () => performance.now();
const round = (ms: number) => Math.round(ms * 1000) / 1000;

export async function executePipeline(x: ExecuteParts): Promise<Executed> {
  const { config, passes, signal, progress, backend } = x;
  let model = x.model;
  let modelBytes = writeOnnxBytes(model);
  const evalData = x.data.evaluation;
  const es = config.evaluation;
  const baselineSize = modelBytes.byteLength;
  let baseline: DatasetOutputs | undefined;
  const measure = async (m: Model, sizeBytes: number, label: string): Promise<EvalMetrics> => {
    throwIfAborted(signal, 'evaluation');
    progress.begin(`evaluating ${label}`);
    let metrics: EvalMetrics;
    if (evalData) {
      const run = await collectOutputs(m, evalData, {
        backend,
        batchSize: es.batchSize,
        sizeBytes,
        signal,
        onProgress: (d, t) => progress.update(d, t),
        ...(es.maxSamples !== undefined ? { maxSamples: es.maxSamples } : {}),
      });
      baseline ??= run;
      metrics = metricsFromOutputs(m, run, baseline);
    } else {
      metrics = metricsFromOutputs(
        m,
        { outputs: new Float32Array(0), classes: 0, labels: undefined, sizeBytes },
        baseline,
      );
      metrics.sizeRatio = baselineSize > 0 ? sizeBytes / baselineSize : 1;
    }
    if (es.latencyRuns > 0) {
      throwIfAborted(signal, 'evaluation');
      metrics.latencyP50Ms = round(await latencyP50(m, backend, es.latencyRuns, evalData));
    }
    progress.end(summarize(metrics));
    return metrics;
  };
  const before = await measure(model, baselineSize, 'input model');

  let key = await x.runKey(await x.hash(modelBytes));
  const steps: ReportStep[] = [];
  for (const p of passes) {
    throwIfAborted(signal, 'pipeline');
    key = await x.hash(stepKeyText(key, p.name, x.codeOf(p), p.options, config.seed, await fileHashes(p, x.files)));
    const started = now();
    const hit = await x.store?.get(key);
    let changed: boolean;
    let stats: Record<string, unknown>;
    progress.begin(`[${p.index + 1}/${passes.length}] ${p.name}`);
    const cached = hit ? usableHit(hit) : undefined;
    if (cached) {
      ({ model, changed, stats } = cached);
      modelBytes = hit!.modelBytes;
      progress.end('cached');
    } else {
      const result = await runOnePass(
        p,
        model,
        {
          seed: config.seed,
          logger: x.logger,
          signal,
          data: x.data,
          backend,
          progress,
          cacheDir: x.passCacheDir?.(p),
          files: x.files,
        },
        x.file,
      );
      ({ model, changed, stats } = result);
      modelBytes = writeOnnxBytes(model);
      await x.store?.put(key, { changed, stats, modelBytes });
      progress.end(changed ? 'changed' : 'no change');
    }
    const step: ReportStep = {
      index: p.index,
      pass: p.name,
      source: p.source,
      options: p.options,
      changed,
      cached: cached !== undefined,
      durationMs: round(now() - started),
      stats,
    };
    if (es.perStep) step.metrics = await measure(model, modelBytes.byteLength, `after ${p.name}`);
    steps.push(step);
  }

  const after =
    steps.at(-1)?.metrics ?? (passes.length === 0 ? before : await measure(model, modelBytes.byteLength, 'result'));
  const gates = config.gates.map((g) => checkGate(g, before, after));
  return { model, modelBytes, steps, before, after, gates, failed: gates.filter((g) => !g.passed) };
}

/** A stored step is used only when it parses and passes checkModel: a damaged entry is a miss. */
function usableHit(hit: StoredStep): { model: Model; changed: boolean; stats: Record<string, unknown> } | undefined {
  try {
    const model = hit.model ?? readOnnx(hit.modelBytes);
    if (!hit.model) checkModel(model);
    return { model, changed: hit.changed, stats: hit.stats };
  } catch {
    return undefined;
  }
}

/** The report, from what the run did and what its shell wrote. */
export function buildReport(
  x: Executed,
  parts: {
    config: PipelineConfig;
    file: string | undefined;
    input: PipelineReport['input'];
    environment: PipelineReport['environment'];
    plugins: PipelineReport['plugins'];
    data: Partial<Record<DataRole, Dataset>>;
    outputs: PipelineReport['outputs'];
    durationMs: number;
  },
): PipelineReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    status: x.failed.length === 0 ? 'ok' : 'gate-failed',
    pipeline: { file: parts.file ?? null, seed: parts.config.seed },
    input: parts.input,
    environment: parts.environment,
    plugins: parts.plugins,
    data: Object.fromEntries(
      Object.entries(parts.data).map(([role, d]) => [role, { description: d.description, samples: d.size }]),
    ),
    steps: x.steps,
    metrics: { before: x.before, after: x.after },
    gates: x.gates,
    outputs: parts.outputs,
    durationMs: round(parts.durationMs),
  };
}

function summarize(m: EvalMetrics): string {
  const parts = [`${m.sizeBytes} bytes`];
  if (m.accuracy !== undefined) parts.push(`accuracy ${(m.accuracy * 100).toFixed(2)}%`);
  if (m.agreement !== undefined) parts.push(`agreement ${(m.agreement * 100).toFixed(2)}%`);
  if (m.latencyP50Ms !== undefined) parts.push(`p50 ${m.latencyP50Ms.toFixed(3)} ms`);
  return parts.join(', ');
}
