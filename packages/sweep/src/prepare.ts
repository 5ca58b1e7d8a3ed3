// Before any trial runs: read the base pipeline, build every trial's pipeline from it and validate
// each one (schema, pass names and options), so a typo in the sweep fails in a second with the
// field named instead of after hours of trials. Produces the jobs the engines run.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, isEnxutoError } from '@enxuto/ir';
import {
  applyOverrides,
  canonicalJson,
  loadPlugins,
  parsePipelineConfig,
  parsePipelineText,
  PassRegistry,
  readPipelineText,
  resolvePasses,
  sha256,
  type Gate,
  type PipelineConfig,
  type ResolvedPass,
} from '@enxuto/pipeline/node';
import type { Settings } from './plan.js';
import { objectiveOf, type LoadedSweep, type Objective } from './sweep-file.js';
import { TRIAL_JOB_VERSION, type TrialJob } from './trial.js';
import { TrialKeys } from './trial-key.js';

/** One trial before it becomes a job: what it varies and the overrides that do it. */
export interface TrialVariant {
  settings: Settings;
  set: string[];
}

export interface PreparedSweep {
  sweep: LoadedSweep;
  sweepId: string;
  objective: Objective;
  /** The base pipeline, validated, and the passes its trials may use (plugins included). */
  base: { raw: unknown; config: PipelineConfig; baseDir: string; registry: PassRegistry };
  input: TrialJob['input'];
  /** Latency gates: checked after the sweep, when latency is measured one model at a time. */
  latencyGates: Gate[];
  jobs: TrialJob[];
}

export interface PrepareOptions {
  /** `path=value` overrides of the base pipeline (`enxuto sweep --set`), applied before the trials'. */
  set?: readonly string[];
  /** Passes available to trials (the CLI gives the built-ins); the pipeline's plugins are added. */
  registry?: PassRegistry;
  /** Pass cache shared by the trials: a folder, false for none (default: <out>/cache). */
  cacheDir?: string | false;
  /** onnxruntime threads per trial (default 1). */
  threads?: number;
  /** Trial timeout override in seconds (default: the sweep file's trialTimeout). */
  trialTimeout?: number;
}

/** The sweep's identity: its results folder (a restarted coordinator finds its own results). */
export function sweepIdOf(outDir: string): string {
  return sha256(canonicalJson({ out: resolve(outDir) })).slice(0, 16);
}

/** What the trial itself sets: where its model and report go, no latency while trials compete. */
function trialOverrides(trialDir: string, gates: readonly Gate[]): string[] {
  return [
    `outputs=${JSON.stringify([join(trialDir, 'model.onnx')])}`,
    `report=${JSON.stringify(join(trialDir, 'report'))}`,
    'evaluation.latencyRuns=0',
    'evaluation.perStep=false',
    `gates=${JSON.stringify(gates.filter((g) => g.metric !== 'latencyP50Ms'))}`,
  ];
}

export async function prepareSweep(
  sweep: LoadedSweep,
  variants: readonly TrialVariant[],
  opts: PrepareOptions = {},
): Promise<PreparedSweep> {
  const file = sweep.pipelineFile;
  const raw = applyOverrides(parsePipelineText(readPipelineText(file), file), opts.set ?? []);
  const config = parsePipelineConfig(raw, file);
  const baseDir = dirname(file);
  const registry = (opts.registry ?? new PassRegistry()).clone();
  if (config.plugins.length) await loadPlugins(config.plugins, registry, projectRootOf(baseDir));
  resolvePasses(config, registry, file);
  const inputPath = resolve(baseDir, config.input);
  if (!existsSync(inputPath)) {
    throw new ConfigError(`input model ${config.input} does not exist`, {
      code: 'config/missing-input',
      field: 'input',
      file,
    });
  }
  const bytes = readFileSync(inputPath);
  const input = { path: inputPath, sha256: sha256(bytes), bytes: bytes.byteLength };
  const objective = objectiveOf(sweep.config);
  const sweepId = sweepIdOf(sweep.outDir);
  const cacheDir = opts.cacheDir === false ? null : resolve(opts.cacheDir ?? join(sweep.outDir, 'cache'));
  const timeoutMs = Math.round((opts.trialTimeout ?? sweep.config.trialTimeout) * 1000);
  const keys = new TrialKeys(baseDir);
  const seen = new Map<string, number>();
  const jobs: TrialJob[] = [];
  for (const [index, v] of variants.entries()) {
    const { config: trialConfig, passes: trialPasses } = validateTrial(raw, v, index, registry, sweep);
    if (needsEvaluation(objective) && !trialConfig.data.evaluation) {
      throw new ConfigError(`the objective ${objective.metric} needs data.evaluation in the pipeline`, {
        code: 'sweep/objective-needs-data',
        field: 'objective',
        ...(sweep.file ? { file: sweep.file } : {}),
      });
    }
    const key = keys.of(trialConfig, trialPasses);
    // Two settings that resolve to the same pipeline are one trial.
    if (seen.has(key)) continue;
    seen.set(key, index);
    const id = key.slice(0, 12);
    const trialDir = join(sweep.outDir, 'trials', id);
    jobs.push({
      v: TRIAL_JOB_VERSION,
      sweepId,
      key,
      id,
      index,
      settings: v.settings,
      pipeline: raw,
      pipelineFile: file,
      set: [...v.set, ...trialOverrides(trialDir, trialConfig.gates)],
      trialDir,
      cacheDir,
      input,
      timeoutMs,
      threads: opts.threads ?? 1,
    });
  }
  return {
    sweep,
    sweepId,
    objective,
    base: { raw, config, baseDir, registry },
    input,
    latencyGates: config.gates.filter((g) => g.metric === 'latencyP50Ms'),
    jobs,
  };
}

function needsEvaluation(o: Objective): boolean {
  return !['sizeBytes', 'sizeRatio', 'latencyP50Ms', 'parameters', 'nonZero'].includes(o.metric);
}

/** The trial's pipeline, validated; errors name the sweep field and the trial's settings. */
function validateTrial(
  raw: unknown,
  v: TrialVariant,
  index: number,
  registry: PassRegistry,
  sweep: LoadedSweep,
): { config: PipelineConfig; passes: ResolvedPass[] } {
  try {
    const config = parsePipelineConfig(applyOverrides(raw, v.set), sweep.pipelineFile);
    return { config, passes: resolvePasses(config, registry, sweep.pipelineFile) };
  } catch (e) {
    if (!isEnxutoError(e)) throw e;
    const path = Object.keys(v.settings).find((p) => e.field === p || e.field?.startsWith(`${p}.`));
    const what = Object.entries(v.settings)
      .map(([k, x]) => `${k}=${JSON.stringify(x)}`)
      .join(', ');
    throw new ConfigError(`trial ${index + 1} (${what}): ${e.describe()}`, {
      code: e.code,
      cause: e,
      field: path !== undefined ? `search.${path}` : (e.field ?? 'pipeline'),
      ...(sweep.file ? { file: sweep.file } : {}),
    });
  }
}

/** The nearest folder at or above `dir` with a package.json (where plugins resolve), else cwd. */
export function projectRootOf(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}
