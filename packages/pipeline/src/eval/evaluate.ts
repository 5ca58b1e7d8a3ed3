// Evaluation of a model on a dataset: accuracy with labels, agreement with a reference model,
// size, parameter counts and batch-1 latency. Browser-safe: the backend is handed in.
import { AbortedError, ConfigError, countParameters, RuntimeError, type Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import type { Dataset, InferenceBackend, Session, TensorData } from '@enxuto/pass';
import { generateInputs, measureLatency } from '@enxuto/runtime';
import { AccuracyAccumulator, AgreementAccumulator } from './metrics.js';
import { feedMaker, outputReader } from './quantized-io.js';

export interface EvalMetrics {
  /** Samples evaluated (0 without a dataset). */
  samples: number;
  /** Top-1 / top-5 accuracy in [0, 1], when the dataset has labels. */
  accuracy?: number;
  top5?: number;
  /** With a reference: share of samples whose top-1 class matches the reference's. */
  agreement?: number;
  /** With a reference: mean cosine similarity of the output vectors. */
  cosine?: number;
  /** With a reference: largest absolute difference of any output value. */
  maxAbsError?: number;
  /** Bytes of the model serialized as ONNX (or the file size when given). */
  sizeBytes: number;
  /** sizeBytes / the reference's size, with a reference. */
  sizeRatio?: number;
  parameters: number;
  nonZero: number;
  /** Median latency of batch-1 inference, in milliseconds. */
  latencyP50Ms?: number;
}

/** Outputs of a model over a dataset: the first output, flattened to [samples, classes]. */
export interface DatasetOutputs {
  outputs: Float32Array;
  classes: number;
  labels: Int32Array | undefined;
  sizeBytes: number;
}

export interface EvaluateOptions {
  backend: InferenceBackend;
  /** The model to compare against (usually the original), or its outputs from an earlier call. */
  reference?: Model | DatasetOutputs;
  batchSize?: number;
  maxSamples?: number;
  /** Timed batch-1 runs for latency (0: skip). Default 20. */
  latencyRuns?: number;
  /** The model's size when it is already known (e.g. its file size). */
  sizeBytes?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Outputs kept for agreement are bounded (1 GiB of float32). */
const MAX_OUTPUT_VALUES = 1 << 28;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('evaluation stopped', { code: 'aborted' });
}

/** A copy of the model whose first input and outputs take any batch size (dim 0 symbolic). */
function withSymbolicBatch(model: Model): Model | undefined {
  const g = model.graph;
  const input = g.inputs.find((v) => !v.isInitializer());
  const shape = input?.shape;
  if (!input || !shape || shape.length === 0) return undefined;
  if (typeof shape[0] === 'string' || shape[0] === null) return model;
  if (shape[0] !== 1) return undefined;
  // Set, run, and restore by the caller: cheaper than cloning every weight.
  return model;
}

async function openSession(backend: InferenceBackend, model: Model | Uint8Array): Promise<Session> {
  return backend.createSession(model, { name: 'evaluation' });
}

function inputNameOf(session: Session): string {
  const inputs = session.inputs;
  if (inputs.length !== 1) {
    throw new ConfigError(
      `evaluation feeds one input, but the model has ${inputs.length} (${inputs.map((i) => i.name).join(', ')})`,
      {
        code: 'eval/inputs',
        field: 'inputs',
      },
    );
  }
  return inputs[0]!.name;
}

/** Runs the model over the dataset, in batches where the model allows it. */
export async function collectOutputs(
  model: Model,
  dataset: Dataset,
  opts: Pick<EvaluateOptions, 'backend' | 'batchSize' | 'maxSamples' | 'signal' | 'onProgress' | 'sizeBytes'>,
): Promise<DatasetOutputs> {
  const total = Math.min(dataset.size, opts.maxSamples ?? dataset.size);
  const sizeBytes = opts.sizeBytes ?? writeOnnxBytes(model).byteLength;
  let batch = Math.max(1, Math.min(opts.batchSize ?? 64, total));
  let session: Session | undefined;
  if (batch > 1 && withSymbolicBatch(model)) {
    session = await tryBatchedSession(model, opts.backend, dataset, batch);
    if (!session) batch = 1;
  } else batch = 1;
  session ??= await openSession(opts.backend, model);
  try {
    const inputName = inputNameOf(session);
    const outputName = session.outputs[0]!.name;
    const feedOf = feedMaker(model, inputName);
    const toFloat32 = outputReader(model, outputName);
    let outputs: Float32Array | undefined;
    let classes = 0;
    const labels = dataset.hasLabels ? new Int32Array(total) : undefined;
    let done = 0;
    for (const b of dataset.batches(batch)) {
      checkAborted(opts.signal);
      const count = Math.min(b.shape[0]!, total - done);
      if (count <= 0) break;
      const perSample = b.input.length / b.shape[0]!;
      const feed = feedOf(b.input.subarray(0, count * perSample), [count, ...b.shape.slice(1)]);
      const result = (await session.run({ [inputName]: feed }, [outputName]))[outputName]!;
      const flat = toFloat32(result);
      if (!outputs) {
        classes = flat.length / count;
        if (!Number.isInteger(classes) || classes < 1) {
          throw new RuntimeError(`output ${outputName} has ${flat.length} values for ${count} samples`, {
            code: 'eval/output-shape',
            value: outputName,
          });
        }
        if (total * classes > MAX_OUTPUT_VALUES) {
          throw new ConfigError(
            `${total} samples x ${classes} outputs is too much to keep; set evaluation.maxSamples`,
            {
              code: 'eval/too-large',
              field: 'evaluation.maxSamples',
            },
          );
        }
        outputs = new Float32Array(total * classes);
      }
      if (flat.length !== count * classes) {
        throw new RuntimeError(`output ${outputName} changed size between batches`, {
          code: 'eval/output-shape',
          value: outputName,
        });
      }
      outputs.set(flat, done * classes);
      if (labels && b.labels) labels.set(b.labels.subarray(0, count), done);
      done += count;
      opts.onProgress?.(done, total);
    }
    return { outputs: outputs ?? new Float32Array(0), classes, labels, sizeBytes };
  } finally {
    await session.release();
  }
}

/**
 * A session that runs `batch` samples at once, or undefined when the model cannot (a Reshape to a
 * fixed batch of 1, say). The model's batch dim is made symbolic only while the session is built.
 */
async function tryBatchedSession(
  model: Model,
  backend: InferenceBackend,
  dataset: Dataset,
  batch: number,
): Promise<Session | undefined> {
  const g = model.graph;
  const restore: Array<() => void> = [];
  const makeSymbolic = (v: (typeof g.inputs)[number]) => {
    const t = v.type;
    if (t?.kind === 'tensor' && t.shape && t.shape[0] === 1) {
      const old = t;
      v.type = { ...t, shape: ['batch', ...t.shape.slice(1)] };
      restore.push(() => (v.type = old));
    }
  };
  g.inputs.filter((v) => !v.isInitializer()).forEach(makeSymbolic);
  g.outputs.forEach(makeSymbolic);
  let session: Session | undefined;
  try {
    session = await openSession(backend, model);
    // Probe with two samples: the output must have two rows.
    const probeCount = Math.min(2, dataset.size, batch);
    const first = dataset.batches(probeCount).next().value;
    if (!first) return session;
    const name = inputNameOf(session);
    const out = (
      await session.run({ [name]: feedMaker(model, name)(first.input, first.shape) }, [session.outputs[0]!.name])
    )[session.outputs[0]!.name]!;
    if (out.shape[0] !== probeCount) throw new Error('batch dim not carried through');
    return session;
  } catch {
    await session?.release();
    return undefined;
  } finally {
    for (const r of restore.reverse()) r();
  }
}

/** Metrics of one model's outputs, compared with a reference's outputs when given. */
export function metricsFromOutputs(model: Model, run: DatasetOutputs, reference?: DatasetOutputs): EvalMetrics {
  const params = countParameters(model);
  const samples = run.labels?.length ?? (run.classes > 0 ? run.outputs.length / run.classes : 0);
  const m: EvalMetrics = { samples, sizeBytes: run.sizeBytes, parameters: params.total, nonZero: params.nonZero };
  if (run.labels && run.classes > 0) {
    const acc = new AccuracyAccumulator();
    acc.add(run.outputs, run.labels, run.classes);
    m.accuracy = acc.accuracy;
    m.top5 = acc.top5Accuracy;
  }
  if (reference) {
    m.sizeRatio = run.sizeBytes / reference.sizeBytes;
    if (reference.classes === run.classes && reference.outputs.length === run.outputs.length && run.classes > 0) {
      const ag = new AgreementAccumulator();
      ag.add(run.outputs, reference.outputs, samples, run.classes);
      m.agreement = ag.agreement;
      m.cosine = ag.cosine;
      m.maxAbsError = ag.maxAbsError;
    }
  }
  return m;
}

/** Median batch-1 latency: the first dataset sample, or generated inputs without a dataset. */
export async function latencyP50(
  model: Model,
  backend: InferenceBackend,
  runs: number,
  dataset?: Dataset,
): Promise<number> {
  const session = await openSession(backend, model);
  try {
    let feeds: Record<string, TensorData>;
    if (dataset && dataset.size > 0 && session.inputs.length === 1) {
      const s = dataset.sample(0);
      const info = session.inputs[0]!;
      const shape = info.shape.length === dataset.shape.length + 1 ? [1, ...dataset.shape] : [...dataset.shape];
      feeds = { [info.name]: { dtype: 'float32', shape, data: s.input } };
    } else {
      feeds = generateInputs(session.inputs, { batch: 1 });
    }
    const stats = await measureLatency(session, feeds, { runs, warmup: Math.min(3, runs) });
    return stats.p50Ms;
  } finally {
    await session.release();
  }
}

/** Everything `enxuto eval` reports for one model. */
export async function evaluate(
  model: Model,
  dataset: Dataset | undefined,
  opts: EvaluateOptions,
): Promise<EvalMetrics> {
  let ref: DatasetOutputs | undefined;
  if (opts.reference && dataset) {
    ref =
      'outputs' in opts.reference && opts.reference.outputs instanceof Float32Array
        ? (opts.reference as DatasetOutputs)
        : await collectOutputs(opts.reference as Model, dataset, { ...opts, sizeBytes: undefined });
  }
  let metrics: EvalMetrics;
  if (dataset) {
    const run = await collectOutputs(model, dataset, opts);
    metrics = metricsFromOutputs(model, run, ref);
  } else {
    const params = countParameters(model);
    const sizeBytes = opts.sizeBytes ?? writeOnnxBytes(model).byteLength;
    metrics = { samples: 0, sizeBytes, parameters: params.total, nonZero: params.nonZero };
    if (opts.reference && !('outputs' in opts.reference))
      metrics.sizeRatio = sizeBytes / writeOnnxBytes(opts.reference).byteLength;
  }
  const runs = opts.latencyRuns ?? 20;
  if (runs > 0) {
    checkAborted(opts.signal);
    metrics.latencyP50Ms = await latencyP50(model, opts.backend, runs, dataset);
  }
  return metrics;
}
