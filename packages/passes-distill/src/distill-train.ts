// The training loop behind `distill` and `finetune`. @enxuto/train's train() covers supervised
// runs, but distillation also needs the teacher's intermediate values, extra trainable adapter
// variables and jittered inputs that teacher and student both see; so this loop is built from
// the same public pieces (compileGraph, createOptimizer, learningRate).
import * as tf from '@tensorflow/tfjs';
import { AbortedError, ConfigError, type Model } from '@enxuto/ir';
import {
  compileGraph,
  createOptimizer,
  learningRate,
  type BatchSource,
  type Executable,
  type LrSchedule,
  type OptimizerSpec,
  type TrainBatch,
} from '@enxuto/train';
import { createAdapter, featureLoss, type FeatureAdapter, type FeaturePair } from './feature-adapter.js';
import { imageLayoutOf, jitterBatch } from './kernels/jitter.js';
import { hardCrossEntropy, kdLoss } from './kd-loss.js';
import { deriveSeed, seededRandom } from '@enxuto/train';

export interface DistillTrainOptions {
  /** The teacher; leave out for plain supervised training (fine-tuning). */
  teacher?: Model;
  data: BatchSource;
  /** Evaluated after each epoch (loss and accuracy of the student against the labels). */
  validation?: BatchSource;
  /** Stop after this many epochs without a lower validation loss and keep the best epoch's weights. */
  patience?: number;
  epochs: number;
  batchSize: number;
  seed?: number;
  /** Default Adam. */
  optimizer?: OptimizerSpec;
  /** Default 1e-3. */
  lr?: number | LrSchedule;
  /** Softening temperature (default 4). */
  temperature?: number;
  /** Weight of the soft-target term (default 0.9); 1 without labels. */
  alpha?: number;
  /** Intermediate values to match (MSE, with an adapter where widths differ). */
  features?: readonly FeaturePair[];
  /** Shift each training image by up to this many pixels (0: off). */
  jitter?: number;
  /** Per-initializer 0/1 masks of the student: zeros stay exactly zero. */
  masks?: ReadonlyMap<string, ArrayLike<number>>;
  /** Student initializers to train (default all float weights). */
  trainable?: readonly string[];
  /** Keep teacher logits per sample index between epochs (no jitter, no features; default true). */
  cacheTeacher?: boolean;
  onEpoch?: (stats: DistillEpoch) => void;
  onStep?: (epoch: number, step: number, loss: number) => void;
  signal?: AbortSignal;
}

export interface DistillEpoch {
  epoch: number;
  lr: number;
  loss: number;
  /** Training accuracy on the (jittered) batches, when labelled. */
  accuracy?: number;
  valAccuracy?: number;
  valLoss?: number;
  samples: number;
  seconds: number;
}

export interface DistillTrainResult {
  history: DistillEpoch[];
  /** The epoch whose weights the student keeps (early stopping), when validation data was given. */
  bestEpoch?: number;
  /** Parameters of the feature adapters (trained, then discarded). */
  adapterParameters: number;
}

interface BatchWithIndices extends TrainBatch {
  indices?: Int32Array;
}

function single(names: readonly string[], given: string | undefined, what: string): string {
  if (given !== undefined) {
    if (!names.includes(given))
      throw new ConfigError(`${what} ${given} is not one of ${names.join(', ')}`, {
        code: 'distill/bad-option',
        field: what,
      });
    return given;
  }
  if (names.length !== 1) {
    throw new ConfigError(`expected one ${what}, the model has ${names.length} (${names.join(', ')})`, {
      code: 'distill/bad-option',
      field: what,
    });
  }
  return names[0]!;
}

function flat2d(t: tf.Tensor): tf.Tensor2D {
  return (t.rank === 2 ? t : t.reshape([t.shape[0]!, -1])) as tf.Tensor2D;
}

function countCorrect(logits: tf.Tensor2D, labels: Int32Array): number {
  const pred = tf.tidy(() => logits.argMax(1).dataSync());
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) n++;
  return n;
}

function maskTensors(
  exe: Executable,
  masks: ReadonlyMap<string, ArrayLike<number>> | undefined,
): Map<tf.Variable, tf.Tensor> {
  const out = new Map<tf.Variable, tf.Tensor>();
  for (const [name, mask] of masks ?? []) {
    const v = exe.variables.get(name);
    if (v === undefined)
      throw new ConfigError(`mask for ${name}, which is not a float initializer of the student`, {
        code: 'distill/bad-mask',
        field: `masks.${name}`,
      });
    if (mask.length !== v.size)
      throw new ConfigError(`mask for ${name} has ${mask.length} entries, the weight ${v.size}`, {
        code: 'distill/bad-mask',
        field: `masks.${name}`,
      });
    out.set(
      v,
      tf.tensor(
        Uint8Array.from(mask, (m) => (m !== 0 ? 1 : 0)),
        v.shape,
        'bool',
      ),
    );
  }
  return out;
}

function applyMasks(masks: ReadonlyMap<tf.Variable, tf.Tensor>): void {
  // where() rather than multiply: pruned entries stay +0 exactly, never -0 or NaN.
  tf.tidy(() => masks.forEach((m, v) => v.assign(tf.where(m, v, tf.zerosLike(v)))));
}

/** Cross-entropy and accuracy of a compiled model over a labelled source. */
export function evaluateStudent(
  exe: Executable,
  source: BatchSource,
  batchSize: number,
  input: string,
  output: string,
): { loss: number; accuracy: number } {
  let correct = 0;
  let count = 0;
  let loss = 0;
  for (const batch of source.batches(batchSize, { shuffle: false })) {
    if (!batch.labels)
      throw new ConfigError('validation data has no labels', { code: 'distill/no-labels', field: 'validation' });
    const labels = batch.labels;
    tf.tidy(() => {
      const logits = flat2d(
        exe.run({ [input]: tf.tensor(batch.input, batch.shape, 'float32') }, { outputs: [output] })[output]!,
      );
      correct += countCorrect(logits, labels);
      loss += hardCrossEntropy(logits, tf.tensor1d(labels, 'int32')).dataSync()[0]! * labels.length;
    });
    count += batch.shape[0]!;
  }
  return count === 0 ? { loss: Number.NaN, accuracy: Number.NaN } : { loss: loss / count, accuracy: correct / count };
}

function snapshot(exe: Executable): Map<tf.Variable, Float32Array> {
  return new Map([...exe.variables.values()].map((v) => [v, (v.dataSync() as Float32Array).slice()]));
}

/** Trains `student` in place against `teacher` (or the labels alone when there is no teacher). */
export async function distillTrain(student: Model, o: DistillTrainOptions): Promise<DistillTrainResult> {
  const seed = o.seed ?? 0;
  const T = o.temperature ?? 4;
  const alpha = o.alpha ?? 0.9;
  if (!(T > 0))
    throw new ConfigError(`temperature must be > 0, got ${T}`, { code: 'distill/bad-option', field: 'temperature' });
  if (!(alpha >= 0 && alpha <= 1))
    throw new ConfigError(`alpha must be in [0, 1], got ${alpha}`, { code: 'distill/bad-option', field: 'alpha' });
  if (!Number.isInteger(o.epochs) || o.epochs < 0)
    throw new ConfigError(`epochs must be a non-negative integer, got ${o.epochs}`, {
      code: 'distill/bad-option',
      field: 'epochs',
    });
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new ConfigError(`batchSize must be a positive integer, got ${o.batchSize}`, {
      code: 'distill/bad-option',
      field: 'batchSize',
    });
  const features = o.features ?? [];
  if (features.length > 0 && !o.teacher)
    throw new ConfigError('feature distillation needs a teacher', { code: 'distill/bad-option', field: 'features' });
  const jitter = o.jitter ?? 0;

  // Whole batches through models exported with batch 1, as train() does.
  const exe = compileGraph(student, { batchFromInput: true, ...(o.trainable ? { trainable: o.trainable } : {}) });
  const teacherExe = o.teacher ? compileGraph(o.teacher, { trainable: [], batchFromInput: true }) : undefined;
  const adapters: FeatureAdapter[] = [];
  const masks = maskTensors(exe, o.masks);
  let optimizer: ReturnType<typeof createOptimizer> | undefined;
  try {
    const input = single(exe.inputNames, undefined, 'input');
    const output = single(exe.outputNames.slice(0, 1), undefined, 'output');
    const tInput = teacherExe ? single(teacherExe.inputNames, undefined, 'teacher input') : '';
    const tOutput = teacherExe ? single(teacherExe.outputNames.slice(0, 1), undefined, 'teacher output') : '';
    const sOutputs = [output, ...features.map((f) => f.student)];
    const tOutputs = [tOutput, ...features.map((f) => f.teacher)];

    const params = [...exe.variables].filter(([, v]) => v.trainable).map(([name, variable]) => ({ name, variable }));
    const cache = new Map<number, Float32Array>();
    const useCache = teacherExe !== undefined && (o.cacheTeacher ?? true) && jitter === 0 && features.length === 0;
    const history: DistillEpoch[] = [];
    let best: { epoch: number; loss: number; weights: Map<tf.Variable, Float32Array> } | undefined;
    applyMasks(masks);

    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const started = Date.now();
      const lr = learningRate(o.lr ?? 1e-3, epoch, o.epochs);
      const random = seededRandom(deriveSeed(seed, epoch, 1));
      let lossSum = 0;
      let seen = 0;
      let correct = 0;
      let labelled = true;
      let step = 0;
      for (const raw of o.data.batches(o.batchSize, {
        shuffle: true,
        seed: deriveSeed(seed, epoch),
      }) as Iterable<BatchWithIndices>) {
        if (o.signal?.aborted)
          throw new AbortedError(`distillation stopped in epoch ${epoch + 1}`, { code: 'aborted' });
        const n = raw.shape[0]!;
        let pixels = raw.input;
        if (jitter > 0) {
          const layout = imageLayoutOf(raw.shape.slice(1));
          if (!layout)
            throw new ConfigError(`jitter needs image inputs, got samples of shape [${raw.shape.slice(1).join(',')}]`, {
              code: 'distill/bad-option',
              field: 'jitter',
            });
          pixels = jitterBatch(raw.input, n, layout, jitter, random);
        }
        if (features.length > 0 && optimizer === undefined) {
          // Adapter sizes come from a probe of both models on the first batch.
          tf.tidy(() => {
            const x = tf.tensor(pixels, raw.shape, 'float32');
            const s = exe.run({ [input]: x }, { outputs: features.map((f) => f.student) });
            const t = teacherExe!.run({ [tInput]: x }, { outputs: features.map((f) => f.teacher) });
            features.forEach((f, i) =>
              adapters.push(
                createAdapter(f, s[f.student]!.shape, t[f.teacher]!.shape, seededRandom(deriveSeed(seed, 99, i))),
              ),
            );
          });
        }
        if (optimizer === undefined) {
          for (const a of adapters) if (a.weight) params.push({ name: a.weight.name, variable: a.weight });
          optimizer = createOptimizer(o.optimizer ?? { type: 'adam' }, params);
        }
        const value = tf.tidy(() => {
          const x = tf.tensor(pixels, raw.shape, 'float32');
          const labels = raw.labels ? tf.tensor1d(raw.labels, 'int32') : undefined;
          let teacherOut: Record<string, tf.Tensor> = {};
          if (teacherExe) {
            const cached = useCache && raw.indices ? raw.indices.every((i) => cache.has(i)) : false;
            if (cached) {
              const k = cache.get(raw.indices![0]!)!.length;
              const buf = new Float32Array(n * k);
              raw.indices!.forEach((i, r) => buf.set(cache.get(i)!, r * k));
              teacherOut = { [tOutput]: tf.tensor2d(buf, [n, k]) };
            } else {
              teacherOut = teacherExe.run({ [tInput]: x }, { outputs: tOutputs });
              if (useCache && raw.indices) {
                const logits = flat2d(teacherOut[tOutput]!);
                const k = logits.shape[1];
                const data = logits.dataSync() as Float32Array;
                raw.indices.forEach((i, r) => cache.set(i, data.slice(r * k, (r + 1) * k)));
              }
            }
          }
          const { value, grads } = tf.variableGrads(
            () => {
              const out = exe.forward(
                { [input]: x },
                { training: true, outputs: sOutputs, seed: deriveSeed(seed, epoch, step, 7) },
              );
              const logits = flat2d(out[output]!);
              if (raw.labels) correct += countCorrect(logits, raw.labels);
              else labelled = false;
              let loss: tf.Scalar;
              if (teacherExe) {
                loss = kdLoss(logits, flat2d(teacherOut[tOutput]!), {
                  temperature: T,
                  alpha,
                  ...(labels ? { labels } : {}),
                });
                if (adapters.length > 0) loss = loss.add(featureLoss(adapters, out, teacherOut)) as tf.Scalar;
              } else {
                if (!labels)
                  throw new ConfigError('fine-tuning needs labelled data', {
                    code: 'distill/no-labels',
                    field: 'data',
                  });
                loss = hardCrossEntropy(logits, labels);
              }
              return loss;
            },
            params.map((p) => p.variable),
          );
          const named = new Map<string, tf.Tensor>();
          const byId = new Map(params.map((p) => [p.variable.name, p.name]));
          for (const [k, g] of Object.entries(grads)) named.set(byId.get(k) ?? k, g);
          optimizer!.step(named, lr);
          return value.dataSync()[0]!;
        });
        exe.commitState();
        applyMasks(masks);
        if (!Number.isFinite(value)) {
          throw new ConfigError(
            `loss became ${value} in epoch ${epoch + 1} step ${step + 1}: lower the learning rate`,
            { code: 'distill/diverged', field: 'lr' },
          );
        }
        lossSum += value * n;
        seen += n;
        step++;
        o.onStep?.(epoch, step, value);
        if (step % 16 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      const stats: DistillEpoch = {
        epoch,
        lr,
        loss: seen > 0 ? lossSum / seen : Number.NaN,
        samples: seen,
        seconds: (Date.now() - started) / 1000,
      };
      if (labelled && seen > 0) stats.accuracy = correct / seen;
      if (o.validation) {
        const v = evaluateStudent(exe, o.validation, o.batchSize, input, output);
        stats.valAccuracy = v.accuracy;
        stats.valLoss = v.loss;
        if (best === undefined || v.loss < best.loss) best = { epoch, loss: v.loss, weights: snapshot(exe) };
      }
      history.push(stats);
      o.onEpoch?.(stats);
      if (best && o.patience !== undefined && epoch - best.epoch >= o.patience) break;
    }
    if (best) best.weights.forEach((data, v) => tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32'))));
    exe.writeBack(student);
    return {
      history,
      ...(best ? { bestEpoch: best.epoch } : {}),
      adapterParameters: adapters.reduce((s, a) => s + (a.weight?.size ?? 0), 0),
    };
  } finally {
    optimizer?.dispose();
    for (const a of adapters) a.weight?.dispose();
    masks.forEach((m) => m.dispose());
    exe.dispose();
    teacherExe?.dispose();
  }
}
