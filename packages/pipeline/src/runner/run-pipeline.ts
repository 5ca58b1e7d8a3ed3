// The runner: validate everything, run each pass (cached), check the model after each, evaluate,
// apply gates, and only then write the outputs and the report.
import { existsSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkModel, ConfigError, EnxutoError, type Model } from '@enxuto/ir';
import { readModel, writeModel } from '@enxuto/formats/node';
import { resolveLimits } from '@enxuto/io';
import { type CheckedFile, inWriteTransaction, ProtectedFiles } from '@enxuto/io/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import type { InferenceBackend } from '@enxuto/runtime';
import { defaultBackend, ORT_NODE_INSTALL_HINT } from '@enxuto/runtime/node';
import { loadPipelineFile, loadPipelineObject, type LoadedPipeline } from '../config/load.js';
import type { PipelineConfig } from '../config/schema.js';
import { resolvePasses, type ResolvedPass } from '../config/validate.js';
import type { Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import {
  collectOutputs,
  latencyP50,
  metricsFromOutputs,
  type DatasetOutputs,
  type EvalMetrics,
} from '../eval/evaluate.js';
import { PassRegistry } from '../pass/registry.js';
import type { DataRole, Logger } from '../pass/types.js';
import { loadPlugins, type LoadedPlugin } from '../plugins/load-plugins.js';
import { REPORT_SCHEMA_VERSION, type PipelineReport, type ReportStep } from '../report/report-types.js';
import { writeReport } from '../report/write-report.js';
import { PassCache, sha256, stepKey } from './cache.js';
import { runKey } from './cache-key.js';
import { enxutoCodeIdentity } from './code-identity.js';
import { throwIfAborted } from './context.js';
import { planRun } from './plan-run.js';
import { asEnxutoError, runOnePass } from './run-pass.js';
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
  const limits = resolveLimits(config.limits);

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
  // The protected set: every file this run reads. No output, report or cache write may replace one.
  const protect = new ProtectedFiles().add(inputPath);
  if (file) protect.add(file);
  const cacheDir = opts.cacheDir === false ? undefined : resolve(opts.cacheDir ?? join(baseDir, '.enxuto-cache'));
  const planOpts = { baseDir, protect, force: opts.force ?? false, cacheDir, file };
  planRun(config, planOpts);
  const data: Partial<Record<DataRole, Dataset>> = {};
  const dataFiles: Record<string, { spec: unknown; files: CheckedFile[] }> = {};
  const roots = [baseDir, ...config.roots];
  for (const role of ['calibration', 'training', 'evaluation'] as const) {
    const spec = config.data[role];
    if (!spec) continue;
    const files: CheckedFile[] = [];
    dataFiles[role] = { spec, files };
    try {
      data[role] = openDataset(spec, {
        baseDir,
        roots,
        limits,
        field: `data.${role}`,
        onFile: (f) => {
          files.push(f);
          protect.add(f);
        },
      });
    } catch (e) {
      throw asEnxutoError(e, `data.${role}`, file);
    }
  }
  checkNeeds(config, passes, data, file);
  if (opts.prepareTraining && (data.training || passes.some((p) => p.definition.needs.includes('training')))) {
    await opts.prepareTraining();
  }
  const backend = opts.backend ?? defaultBackend();
  if (!opts.backend && backend.name === 'ort-web')
    logger.info(
      `onnxruntime-node is not installed: running on onnxruntime-web (wasm); for native speed, ${ORT_NODE_INSTALL_HINT}`,
    );

  // 2. The input model, then the full plan (its side files are protected too), then its metrics.
  throwIfAborted(signal, 'pipeline');
  progress.begin(`reading ${config.input}`);
  const input = await readModel(inputPath, { limits });
  protect.addAll(input.files);
  const plan = planRun(config, planOpts);
  const cache = cacheDir ? new PassCache(cacheDir, protect) : undefined;
  checkModel(input.model);
  let model = input.model;
  let modelBytes = writeOnnxBytes(model);
  progress.end(`${input.format}, ${input.bytes} bytes`);
  const evalData = data.evaluation;
  const es = config.evaluation;
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
  const baselineSize = modelBytes.byteLength;
  const before = await measure(model, modelBytes.byteLength, 'input model');

  // 3. The passes, each keyed by everything its output depends on.
  let key = runKey({
    model: sha256(modelBytes),
    input: { format: input.format, limits },
    data: dataFiles,
    outputs: plan.outputs.map((o) => ({ format: o.format, options: o.options })),
    enxuto: ENXUTO_VERSION,
  });
  const steps: ReportStep[] = [];
  for (const p of passes) {
    throwIfAborted(signal, 'pipeline');
    const label = `[${p.index + 1}/${passes.length}] ${p.name}`;
    // Built-ins: the code of enxuto's packages; a plugin: its name, version and a hash of its files.
    const code = p.source === 'builtin' ? enxutoCodeIdentity() : pluginIdentity(plugins, p.source);
    key = stepKey(key, p.name, code, p.options, config.seed);
    const started = now();
    const hit = cache?.get(key);
    let changed: boolean;
    let stats: Record<string, unknown>;
    progress.begin(label);
    if (hit) {
      ({ model, modelBytes, changed, stats } = hit);
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

  // 4. Gates, then outputs (only when every gate passed) and the report, renamed into place
  // together at the end: a run stopped before then leaves none of them.
  const after =
    steps.at(-1)?.metrics ?? (passes.length === 0 ? before : await measure(model, modelBytes.byteLength, 'result'));
  const gates: GateResult[] = config.gates.map((g) => checkGate(g, before, after));
  const failed = gates.filter((g) => !g.passed);
  const written: PipelineReport['outputs'] = [];
  const letSignalsIn = async () => {
    await new Promise((r) => setImmediate(r));
    throwIfAborted(signal, 'pipeline');
  };
  const { report, reportFiles } = await inWriteTransaction(async () => {
    if (failed.length === 0) {
      for (const o of plan.outputs) {
        await letSignalsIn();
        progress.begin(`writing ${o.path}`);
        const w = await writeModel(model, o.path, {
          ...o.options,
          force: opts.force ?? false,
          protect,
          format: o.format,
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
    const reportFiles = config.report ? writeReport(report, resolve(baseDir, config.report), protect) : [];
    return { report, reportFiles };
  }, letSignalsIn);
  if (failed.length > 0) {
    throw new GateError(
      `gate failed, no model written: ${failed.map((g) => g.reason).join('; ')}`,
      report,
      reportFiles,
    );
  }
  return { report, model, reportFiles };
}

/** Passes that need data or training have it; gates that measure accuracy have evaluation data. */
function checkNeeds(
  config: PipelineConfig,
  passes: readonly ResolvedPass[],
  data: Partial<Record<DataRole, Dataset>>,
  file: string | undefined,
): void {
  const where = file ? { file } : {};
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
}

/** A plugin step's cache identity: name, version and the hash of its files (edits without a version bump count). */
function pluginIdentity(plugins: readonly LoadedPlugin[], name: string): string {
  const p = plugins.find((x) => x.name === name);
  return `${name}@${p?.version ?? ''}#${p?.fingerprint ?? ''}`;
}

/** The nearest folder at or above `dir` holding a package.json (the project), else the cwd. */
function projectRootOf(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

function summarize(m: EvalMetrics): string {
  const parts = [`${m.sizeBytes} bytes`];
  if (m.accuracy !== undefined) parts.push(`accuracy ${(m.accuracy * 100).toFixed(2)}%`);
  if (m.agreement !== undefined) parts.push(`agreement ${(m.agreement * 100).toFixed(2)}%`);
  if (m.latencyP50Ms !== undefined) parts.push(`p50 ${m.latencyP50Ms.toFixed(3)} ms`);
  return parts.join(', ');
}
