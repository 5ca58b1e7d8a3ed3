// The runner: validate everything, run each pass (cached), check the model after each, evaluate,
// apply gates, and only then write the outputs and the report.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  AbortedError,
  checkModel,
  ConfigError,
  EnxutoError,
  FormatError,
  isEnxutoError,
  PassError,
  type Model,
} from '@enxuto/ir';
import { readModel, writeModel } from '@enxuto/formats/node';
import { assertNotInput } from '@enxuto/io/node';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import type { DataRole, Dataset, InferenceBackend, Logger } from '@enxuto/pass';
import { defaultBackend, ORT_NODE_INSTALL_HINT } from '@enxuto/runtime/node';
import { loadPipelineFile, loadPipelineObject, type LoadedPipeline } from '../config/load.js';
import type { OutputEntry, PipelineConfig } from '../config/schema.js';
import { resolvePasses, type ResolvedPass } from '../config/validate.js';
import { openDataset } from '../data/open-dataset.js';
import {
  collectOutputs,
  latencyP50,
  metricsFromOutputs,
  type DatasetOutputs,
  type EvalMetrics,
} from '../eval/evaluate.js';
import { PassRegistry } from '../registry.js';
import { loadPlugins, type LoadedPlugin } from '../plugins/load-plugins.js';
import { REPORT_SCHEMA_VERSION, type PipelineReport, type ReportStep } from '../report/report-types.js';
import { writeReport } from '../report/write-report.js';
import { PassCache, sha256 } from './cache.js';
import { CacheKeys } from './cache-keys.js';
import { createPassContext, throwIfAborted } from './context.js';
import { checkGate, gatesNeedData, type GateResult } from './gates.js';
import { silentLogger, silentProgress, type ProgressSink } from './progress.js';

export const ENXUTO_VERSION = '0.1.0';

export interface RunOptions {
  /** Passes available to the pipeline (the CLI passes the built-ins); plugins are added to a copy. */
  registry?: PassRegistry;
  /** `path=value` overrides (`--set`). */
  set?: readonly string[];
  /** Allow writing into non-empty output folders. */
  force?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  progress?: ProgressSink;
  /** Pass cache folder; false disables it. Default: `.enxuto-cache` beside the pipeline file. */
  cacheDir?: string | false;
  /** Inference backend for evaluation and passes that need one (default ort-node). */
  backend?: InferenceBackend;
  /** Where plugin lookup starts (default: the nearest folder above the pipeline file with a package.json, else the current directory). */
  projectRoot?: string;
  /** Folder relative paths resolve against when the config is an object (default: cwd). */
  baseDir?: string;
  /**
   * Readies the training runtime (the CLI initialises TF.js on wasm). Called once before the passes
   * run when the pipeline declares data.training or a pass needs training.
   */
  prepareTraining?: () => Promise<void>;
}

export interface RunResult {
  report: PipelineReport;
  /** The final model (also when a gate failed). */
  model: Model;
  reportFiles: string[];
}

/** A gate failed: nothing was written but the report. */
export class GateError extends EnxutoError {
  constructor(
    message: string,
    readonly report: PipelineReport,
    readonly reportFiles: string[],
  ) {
    super(message, { code: 'pipeline/gate-failed', field: 'gates' });
  }
}

interface PlannedOutput {
  path: string;
  format: string | undefined;
  /** Format write options (`outputs[i].options`), checked by the format handler. */
  options: Record<string, unknown>;
}

function planOutputs(
  config: PipelineConfig,
  baseDir: string,
  inputPath: string,
  force: boolean,
  file?: string,
): PlannedOutput[] {
  const seen = new Set<string>();
  return config.outputs.map((o: OutputEntry, i) => {
    const entry = typeof o === 'string' ? { path: o } : o;
    const path = resolve(baseDir, entry.path);
    const field = `outputs.${i}`;
    const where = { field, ...(file ? { file } : {}) };
    if (seen.has(path))
      throw new ConfigError(`output ${entry.path} is listed twice`, { code: 'config/duplicate-output', ...where });
    seen.add(path);
    try {
      assertNotInput(path, [inputPath]);
    } catch (e) {
      throw isEnxutoError(e) ? new ConfigError(`${e.message}: ${entry.path}`, { code: e.code, ...where }) : e;
    }
    if (existsSync(path) && statSync(path).isDirectory() && !force && readdirSync(path).length > 0) {
      throw new ConfigError(`output folder ${entry.path} is not empty (use --force to write into it)`, {
        code: 'io/non-empty-folder',
        ...where,
      });
    }
    return {
      path,
      format: 'format' in entry ? entry.format : undefined,
      options: 'options' in entry ? (entry.options ?? {}) : {},
    };
  });
}

function environment(backend: InferenceBackend): PipelineReport['environment'] {
  return {
    enxuto: ENXUTO_VERSION,
    node: process.versions.node,
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    runtime: backend.name,
  };
}

const now = () => performance.now();

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export async function runPipeline(
  source: string | LoadedPipeline | Record<string, unknown>,
  opts: RunOptions = {},
): Promise<RunResult> {
  const t0 = now();
  const signal = opts.signal ?? new AbortController().signal;
  const logger = opts.logger ?? silentLogger;
  const progress = opts.progress ?? silentProgress;
  const loaded: LoadedPipeline =
    typeof source === 'string'
      ? loadPipelineFile(source, { set: opts.set ?? [] })
      : 'config' in source && 'baseDir' in source
        ? (source as LoadedPipeline)
        : loadPipelineObject(source, { set: opts.set ?? [], baseDir: opts.baseDir ?? process.cwd() });
  const { config, baseDir } = loaded;
  const file = loaded.file;
  const where = file ? { file } : {};

  // 1. Everything that can be checked before work starts.
  const registry = (opts.registry ?? new PassRegistry()).clone();
  const plugins: LoadedPlugin[] = config.plugins.length
    ? await loadPlugins(config.plugins, registry, opts.projectRoot ?? projectRootOf(baseDir))
    : [];
  const passes = resolvePasses(config, registry, file);
  const inputPath = resolve(baseDir, config.input);
  if (!existsSync(inputPath))
    throw new ConfigError(`input model ${config.input} does not exist`, {
      code: 'config/missing-input',
      field: 'input',
      ...where,
    });
  const outputs = planOutputs(config, baseDir, inputPath, opts.force ?? false, file);
  const data: Partial<Record<DataRole, Dataset>> = {};
  for (const role of ['calibration', 'training', 'evaluation'] as const) {
    const spec = config.data[role];
    if (!spec) continue;
    try {
      data[role] = openDataset(spec, { baseDir, field: `data.${role}` });
    } catch (e) {
      throw asEnxutoError(e, `data.${role}`, file);
    }
  }
  for (const p of passes) {
    if (p.definition.needs.includes('training') && !data.training) {
      throw new ConfigError(`pass ${p.name} needs data.training`, {
        code: 'config/missing-data',
        field: `passes.${p.index}`,
        ...where,
      });
    }
    if (p.definition.needs.includes('data') && !data.calibration && !data.training) {
      throw new ConfigError(`pass ${p.name} needs data (data.calibration or data.training)`, {
        code: 'config/missing-data',
        field: `passes.${p.index}`,
        ...where,
      });
    }
  }
  if (config.gates.length > 0 && gatesNeedData(config.gates) && !data.evaluation) {
    throw new ConfigError('the gates measure accuracy or agreement: declare data.evaluation', {
      code: 'config/missing-data',
      field: 'gates',
      ...where,
    });
  }
  if (opts.prepareTraining && (data.training || passes.some((p) => p.definition.needs.includes('training')))) {
    await opts.prepareTraining();
  }
  const backend = opts.backend ?? defaultBackend();
  if (!opts.backend && backend.name === 'ort-web')
    logger.info(
      `onnxruntime-node is not installed: running on onnxruntime-web (wasm); for native speed, ${ORT_NODE_INSTALL_HINT}`,
    );
  const cacheDir = opts.cacheDir === false ? undefined : resolve(opts.cacheDir ?? join(baseDir, '.enxuto-cache'));
  const cache = cacheDir ? new PassCache(cacheDir) : undefined;
  const keys = cacheDir
    ? new CacheKeys(cacheDir, config.data, baseDir, {
        enxuto: ENXUTO_VERSION,
        runtime: backend.name,
        seed: config.seed,
      })
    : undefined;

  // 2. The input model and its baseline metrics.
  throwIfAborted(signal, 'pipeline');
  progress.begin(`reading ${config.input}`);
  const input = await readModel(inputPath);
  checkModel(input.model);
  let model = input.model;
  let modelBytes = writeOnnxBytes(model);
  progress.end(`${input.format}, ${input.bytes} bytes`);
  const evalData = data.evaluation;
  const es = config.evaluation;
  let baseline: DatasetOutputs | undefined;
  const measure = async (m: Model, sizeBytes: number, label: string): Promise<EvalMetrics> => {
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
  const baselineSize = modelBytes.byteLength;
  const before = await measure(model, modelBytes.byteLength, 'input model');

  // 3. The passes.
  let key = sha256(modelBytes);
  const steps: ReportStep[] = [];
  for (const p of passes) {
    throwIfAborted(signal, 'pipeline');
    const label = `[${p.index + 1}/${passes.length}] ${p.name}`;
    if (keys) key = keys.step(key, p);
    const started = now();
    const hit = cache?.get(key);
    let changed: boolean;
    let stats: Record<string, unknown>;
    progress.begin(label);
    if (hit) {
      model = readOnnx(hit.modelBytes);
      modelBytes = hit.modelBytes;
      ({ changed, stats } = hit);
      progress.end('cached');
    } else {
      const result = await runOnePass(
        p,
        model,
        {
          seed: config.seed,
          logger,
          signal,
          data,
          backend,
          progress,
          cacheDir: cacheDir ? join(cacheDir, 'passes', p.name.replace('/', '__')) : undefined,
        },
        file,
      );
      model = result.model;
      changed = result.changed;
      stats = result.stats;
      modelBytes = writeOnnxBytes(model);
      cache?.put(key, { changed, stats, modelBytes });
      progress.end(changed ? 'changed' : 'no change');
    }
    const step: ReportStep = {
      index: p.index,
      pass: p.name,
      source: p.source,
      options: p.options,
      changed,
      cached: hit !== undefined,
      durationMs: round(now() - started),
      stats,
    };
    if (es.perStep && passes.length > 0) step.metrics = await measure(model, modelBytes.byteLength, `after ${p.name}`);
    steps.push(step);
  }
  keys?.save();

  // 4. Gates, then outputs (only when every gate passed), then the report.
  const after =
    steps.at(-1)?.metrics ?? (passes.length === 0 ? before : await measure(model, modelBytes.byteLength, 'result'));
  const gates: GateResult[] = config.gates.map((g) => checkGate(g, before, after));
  const failed = gates.filter((g) => !g.passed);
  const written: PipelineReport['outputs'] = [];
  if (failed.length === 0) {
    for (const o of outputs) {
      throwIfAborted(signal, 'pipeline');
      progress.begin(`writing ${o.path}`);
      const w = await writeModel(model, o.path, {
        ...o.options,
        force: opts.force ?? false,
        inputs: [inputPath],
        ...(o.format ? { format: o.format } : {}),
      });
      written.push({ path: o.path, format: w.format, bytes: w.bytes });
      progress.end(`${w.bytes} bytes`);
    }
  }
  const report: PipelineReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    status: failed.length === 0 ? 'ok' : 'gate-failed',
    pipeline: { file: file ?? null, seed: config.seed },
    input: { path: inputPath, format: input.format, bytes: input.bytes },
    environment: environment(backend),
    plugins: plugins.map(({ name, version, path }) => ({ name, version, path })),
    data: Object.fromEntries(
      Object.entries(data).map(([role, d]) => [role, { description: d.description, samples: d.size }]),
    ),
    steps,
    metrics: { before, after },
    gates,
    outputs: written,
    durationMs: round(now() - t0),
  };
  const reportFiles = config.report ? writeReport(report, resolve(baseDir, config.report), [inputPath]) : [];
  if (failed.length > 0) {
    throw new GateError(
      `gate failed, no model written: ${failed.map((g) => g.reason).join('; ')}`,
      report,
      reportFiles,
    );
  }
  return { report, model, reportFiles };
}

async function runOnePass(
  p: ResolvedPass,
  model: Model,
  parts: {
    seed: number;
    logger: Logger;
    signal: AbortSignal;
    data: Partial<Record<DataRole, Dataset>>;
    backend: InferenceBackend;
    progress: ProgressSink;
    cacheDir: string | undefined;
  },
  file: string | undefined,
) {
  if (parts.cacheDir) mkdirSync(parts.cacheDir, { recursive: true });
  const ctx = createPassContext({
    passName: p.name,
    step: p.index,
    seed: parts.seed,
    logger: parts.logger,
    progress: { update: (d, t, m) => parts.progress.update(d, t, m) },
    signal: parts.signal,
    data: parts.data,
    runtime: p.definition.needs.includes('runtime') || p.definition.needs.includes('data') ? parts.backend : undefined,
    cacheDir: parts.cacheDir,
  });
  const fail = (e: unknown, stage: string) => {
    // An interruption stays one (the CLI exits 130), whichever loop noticed it.
    if (e instanceof AbortedError || (isEnxutoError(e) && (e.code === 'aborted' || e instanceof ConfigError))) return e;
    const msg = e instanceof Error ? (isEnxutoError(e) ? e.describe() : e.message) : String(e);
    return new PassError(`pass ${p.name} (step ${p.index + 1}) ${stage}: ${msg}`, {
      code: isEnxutoError(e) ? e.code : 'pass/failed',
      field: `passes.${p.index}`,
      cause: e,
      ...(file ? { file } : {}),
      ...(isEnxutoError(e) && e.node ? { node: e.node } : {}),
      ...(isEnxutoError(e) && e.value ? { value: e.value } : {}),
    });
  };
  let result;
  try {
    result = await p.definition.run(model, p.options, ctx);
  } catch (e) {
    throw fail(e, 'failed');
  }
  try {
    checkModel(result.model);
  } catch (e) {
    throw fail(e, 'produced an invalid model');
  }
  return result;
}

/** The nearest folder at or above `dir` holding a package.json (the project), else the cwd. */
function projectRootOf(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

/** Errors of the data readers that are not (yet) @enxuto/ir classes, as typed errors. */
function asEnxutoError(e: unknown, field: string, file: string | undefined): unknown {
  if (isEnxutoError(e) || !(e instanceof Error) || typeof (e as { code?: unknown }).code !== 'string') return e;
  const d = e as Error & { code: string; file?: string; field?: string };
  const details = {
    code: d.code,
    field: d.field ?? field,
    cause: e,
    ...((d.file ?? file) ? { file: d.file ?? file } : {}),
  };
  return e.name === 'FormatError' ? new FormatError(e.message, details) : new ConfigError(e.message, details);
}

function summarize(m: EvalMetrics): string {
  const parts = [`${m.sizeBytes} bytes`];
  if (m.accuracy !== undefined) parts.push(`accuracy ${(m.accuracy * 100).toFixed(2)}%`);
  if (m.agreement !== undefined) parts.push(`agreement ${(m.agreement * 100).toFixed(2)}%`);
  if (m.latencyP50Ms !== undefined) parts.push(`p50 ${m.latencyP50Ms.toFixed(3)} ms`);
  return parts.join(', ');
}
