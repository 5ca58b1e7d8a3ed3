// The runner: validate everything, run each pass (cached), check the model after each, evaluate,
// apply gates, and only then write the outputs and the report.
import { existsSync, mkdirSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkModel, ConfigError, type Model } from '@enxuto/ir';
import { readModel, writeModel } from '@enxuto/formats/node';
import { resolveLimits } from '@enxuto/io';
import { type CheckedFile, inWriteTransaction, ProtectedFiles } from '@enxuto/io/node';
import type { InferenceBackend } from '@enxuto/pass';
import { defaultBackend, ORT_NODE_INSTALL_HINT } from '@enxuto/runtime/node';
import { loadPipelineFile, loadPipelineObject, type LoadedPipeline } from '../config/load.js';
import { resolvePasses } from '../config/validate.js';
import type { DataRole, Dataset, Logger } from '@enxuto/pass';
import { openDataset } from '../data/open-dataset.js';
import { type ModelInput, modelInputOf, takesModelShape } from '../data/random-dataset.js';
import { PassRegistry } from '../registry.js';
import { loadPlugins, type LoadedPlugin } from '../plugins/load-plugins.js';
import type { PipelineReport } from '../report/report-types.js';
import { writeReport } from '../report/write-report.js';
import { PassCache, sha256 } from './cache.js';
import { runKey } from './cache-key.js';
import { CodeIdentity, passCode } from './code-identity.js';
import { ContentHasher } from './content-hash.js';
import { throwIfAborted } from './context.js';
import { buildReport, executePipeline } from './execute.js';
import { PipelineFiles } from './node-option-files.js';
import { planRun } from './plan-run.js';
import { asEnxutoError } from './run-pass.js';
import { checkNeeds } from './check-needs.js';
import { GateError } from './gates.js';
import { ENXUTO_VERSION } from './version.js';
import { silentLogger, silentProgress, type ProgressSink } from './progress.js';

export { ENXUTO_VERSION, GateError };

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
  // File hashes (datasets, pass code, option files) are remembered in the cache folder between runs.
  const hasher = new ContentHasher(cacheDir ? join(cacheDir, 'file-hashes.json') : undefined);
  const roots = [baseDir, ...config.roots];
  // Files named in pass options (sensitivity, teacher): confined like data, protected, hashed.
  const optionFiles = new PipelineFiles(passes, { baseDir, roots, protect, limits, file }, hasher);
  const planOpts = { baseDir, protect, force: opts.force ?? false, cacheDir, file };
  planRun(config, planOpts);
  const data: Partial<Record<DataRole, Dataset>> = {};
  const dataFiles: Record<string, { spec: unknown; files: CheckedFile[] }> = {};
  const open = (role: DataRole, modelInput?: ModelInput) => {
    const spec = config.data[role];
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
        ...(modelInput ? { modelInput } : {}),
      });
    } catch (e) {
      throw asEnxutoError(e, `data.${role}`, file);
    }
  };
  // Data files are checked before the model is read; random data of the model's shape after it.
  const roles = (['calibration', 'training', 'evaluation'] as const).filter((r) => config.data[r]);
  for (const role of roles) if (!takesModelShape(config.data[role])) open(role);
  checkNeeds(config, passes, config.data, file);
  if (opts.prepareTraining && (data.training || passes.some((p) => p.definition.needs.includes('training')))) {
    await opts.prepareTraining();
  }
  const backend = opts.backend ?? defaultBackend();
  if (!opts.backend && backend.name === 'ort-web')
    logger.info(
      `onnxruntime-node is not installed: running on onnxruntime-web (wasm); for native speed, ${ORT_NODE_INSTALL_HINT}`,
    );

  // 2. The input model, then the full plan (its side files are protected too).
  throwIfAborted(signal, 'pipeline');
  progress.begin(`reading ${config.input}`);
  const input = await readModel(inputPath, { limits });
  protect.addAll(input.files);
  const plan = planRun(config, planOpts);
  const cache = cacheDir ? new PassCache(cacheDir, protect) : undefined;
  const code = new CodeIdentity(hasher);
  checkModel(input.model);
  for (const role of roles) if (takesModelShape(config.data[role])) open(role, modelInputOf(input.model));
  progress.end(`${input.format}, ${input.bytes} bytes`);

  // 3. Metrics, the passes (each keyed by everything its output depends on), gates: the shared core.
  const run = await executePipeline({
    config,
    passes,
    model: input.model,
    runKey: (model) =>
      cache
        ? runKey(
            {
              model,
              input: { format: input.format, limits },
              data: dataFiles,
              outputs: plan.outputs.map((o) => ({ format: o.format, options: o.options })),
              enxuto: ENXUTO_VERSION,
              runtime: backend.name,
            },
            hasher,
          )
        : model,
    // The files of the pass's package and of the enxuto packages it uses (no cache: not needed).
    codeOf: (p) => passCode(p, cache ? code : undefined),
    hash: sha256,
    store: cache,
    files: optionFiles,
    data,
    backend,
    signal,
    logger,
    progress,
    passCacheDir: (p) => {
      if (!cacheDir) return undefined;
      const dir = join(cacheDir, 'passes', p.name.replace('/', '__'));
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    file,
  });
  if (cache) hasher.save();

  // 4. Outputs (only when every gate passed) and the report, renamed into place together at the
  // end: a run stopped before then leaves none of them.
  const written: PipelineReport['outputs'] = [];
  const letSignalsIn = async () => {
    await new Promise((r) => setImmediate(r));
    throwIfAborted(signal, 'pipeline');
  };
  const { report, reportFiles } = await inWriteTransaction(async () => {
    if (run.failed.length === 0) {
      for (const o of plan.outputs) {
        await letSignalsIn();
        progress.begin(`writing ${o.path}`);
        const w = await writeModel(run.model, o.path, {
          ...o.options,
          force: opts.force ?? false,
          protect,
          format: o.format,
        });
        written.push({ path: o.path, format: w.format, bytes: w.bytes });
        progress.end(`${w.bytes} bytes`);
      }
    }
    const report = buildReport(run, {
      config,
      file,
      input: { path: inputPath, format: input.format, bytes: input.bytes },
      environment: environment(backend),
      plugins: plugins.map(({ name, version, path }) => ({ name, version, path })),
      data,
      outputs: written,
      durationMs: now() - t0,
    });
    const reportFiles = config.report ? writeReport(report, resolve(baseDir, config.report), protect) : [];
    return { report, reportFiles };
  }, letSignalsIn);
  if (run.failed.length > 0) {
    throw new GateError(
      `gate failed, no model written: ${run.failed.map((g) => g.reason).join('; ')}`,
      report,
      reportFiles,
    );
  }
  return { report, model: run.model, reportFiles };
}

/** The nearest folder at or above `dir` holding a package.json (the project), else the cwd. */
function projectRootOf(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}
