// The training loop: seeded shuffling, masks that keep pruned weights at exactly zero, validation
// each epoch, early stopping, and checkpoints from which a re-run resumes to the same weights.
import * as tf from '@tensorflow/tfjs';
import { AbortedError, ConfigError, type Model } from '@enxuto/ir';
import { compileGraph, type Executable } from '../compile.js';
import type { BatchSource, TrainBatch } from './batches.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  fingerprintOf,
  type Checkpoint,
  type CheckpointStore,
  type EpochStats,
} from './checkpoint.js';
import { countCorrect, crossEntropyLoss, crossEntropyFromLogits, type LossFn } from './losses.js';
import { createOptimizer, type OptimizerSpec, type Param } from './optimizers.js';
import { deriveSeed } from './rng.js';
import { learningRate, type LrSchedule } from './schedules.js';

export interface EarlyStopOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** What to watch: validation loss (default) or accuracy; training loss without validation data. */
  metric?: 'loss' | 'accuracy';
  /** Put back the best epoch's weights at the end (default true). */
  restoreBest?: boolean;
  /**
   * Score the starting weights too (needs validation data): if no epoch beats them, they come
   * back, so fine-tuning with a poor learning rate cannot leave a converged model worse. Default false.
   */
  baseline?: boolean;
}

export interface TrainProgress {
  phase: 'step' | 'epoch';
  epoch: number;
  epochs: number;
  step: number;
  lr: number;
  /** Loss of the last step (phase 'step') or the epoch's mean (phase 'epoch'). */
  loss: number;
  stats?: EpochStats;
}

export interface TrainOptions {
  data: BatchSource;
  validation?: BatchSource;
  epochs: number;
  batchSize: number;
  /** Seeds shuffling and dropout (default 0). */
  seed?: number;
  /** Default: SGD with momentum 0.9. */
  optimizer?: OptimizerSpec;
  /** A fixed rate or a schedule (evaluated per epoch). Default 0.01. */
  lr?: number | LrSchedule;
  /** Default: cross-entropy of the labels against the output's logits. */
  loss?: LossFn;
  /**
   * What early stopping and `valLoss` measure on the validation data; default cross-entropy with
   * its labels. Distillation passes its own loss: fidelity to the teacher, labelled data or not.
   */
  validationLoss?: LossFn;
  /** Graph input fed with batch.input; default the model's only input. */
  input?: string;
  /** Graph output holding the logits; default the first output. */
  output?: string;
  trainable?: readonly string[] | 'all';
  /** See CompileOptions.batchFromInput; default true, since training feeds whole batches. */
  batchFromInput?: boolean;
  /** Per-initializer 0/1 masks (same size as the weight): zeros stay exactly zero. */
  masks?: ReadonlyMap<string, ArrayLike<number>> | Readonly<Record<string, ArrayLike<number>>>;
  earlyStop?: EarlyStopOptions;
  shuffle?: boolean;
  checkpoint?: CheckpointStore;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface TrainResult {
  history: EpochStats[];
  stoppedEarly: boolean;
  /** Epochs already done by the checkpoint this run resumed from. */
  resumedFrom?: number;
  bestEpoch?: number;
}

function configError(message: string, field: string): ConfigError {
  return new ConfigError(message, { code: 'train/bad-option', field });
}

function pickName(given: string | undefined, names: readonly string[], what: string): string {
  if (given !== undefined) {
    if (!names.includes(given)) throw configError(`${what} ${given} is not one of ${names.join(', ')}`, what);
    return given;
  }
  if (names.length !== 1 && what === 'input') {
    throw configError(`the model has ${names.length} inputs (${names.join(', ')}); say which one the data feeds`, what);
  }
  if (names.length === 0) throw configError(`the model has no ${what}`, what);
  return names[0]!;
}

function prepareMasks(options: TrainOptions, exe: Executable): Map<tf.Variable, tf.Tensor> {
  const out = new Map<tf.Variable, tf.Tensor>();
  const entries = options.masks instanceof Map ? [...options.masks.entries()] : Object.entries(options.masks ?? {});
  for (const [name, mask] of entries as [string, ArrayLike<number>][]) {
    const v = exe.variables.get(name);
    if (v === undefined) throw configError(`mask for ${name}, which is not a float initializer`, `masks.${name}`);
    if (mask.length !== v.size)
      throw configError(`mask for ${name} has ${mask.length} entries, the weight ${v.size}`, `masks.${name}`);
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
  // where() rather than multiply: pruned entries become +0 exactly, never -0 or NaN.
  tf.tidy(() => masks.forEach((m, v) => v.assign(tf.where(m, v, tf.zerosLike(v)))));
}

function snapshot(exe: Executable): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  exe.variables.forEach((v, name) => out.set(name, (v.dataSync() as Float32Array).slice()));
  return out;
}

function restoreVariables(exe: Executable, values: ReadonlyMap<string, Float32Array>): void {
  exe.variables.forEach((v, name) => {
    const data = values.get(name);
    if (data === undefined || data.length !== v.size) {
      throw new ConfigError(`checkpoint value for ${name} is missing or has the wrong size`, {
        code: 'train/bad-checkpoint',
        value: name,
      });
    }
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  });
}

function toLogits(t: tf.Tensor): tf.Tensor2D {
  return (t.rank === 2 ? t : t.reshape([t.shape[0]!, -1])) as tf.Tensor2D;
}

interface Evaluation {
  loss: number;
  accuracy?: number;
}

function evaluate(
  exe: Executable,
  source: BatchSource,
  batchSize: number,
  input: string,
  output: string,
  lossFn?: LossFn,
): Evaluation {
  let loss = 0;
  let correct = 0;
  let count = 0;
  let labelled = true;
  for (const batch of source.batches(batchSize, { shuffle: false })) {
    const n = batch.shape[0]!;
    tf.tidy(() => {
      const x = tf.tensor(batch.input, batch.shape, 'float32');
      const outputs = exe.run({ [input]: x }, { outputs: [output] });
      const logits = toLogits(outputs[output]!);
      const labels = batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
      if (lossFn) loss += lossFn({ logits, outputs, batch, ...(labels ? { labels } : {}) }).dataSync()[0]! * n;
      else if (labels) loss += crossEntropyFromLogits(logits, labels).dataSync()[0]! * n;
      if (batch.labels) correct += countCorrect(logits, batch.labels);
      else labelled = false;
    });
    count += n;
  }
  if (count === 0) return { loss: Number.NaN };
  if (!labelled) return { loss: lossFn ? loss / count : Number.NaN };
  return { loss: loss / count, accuracy: correct / count };
}

/** Trains `model` in place (its float initializers are replaced by the trained values). */
export async function train(model: Model, options: TrainOptions): Promise<TrainResult> {
  const { epochs, batchSize } = options;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw configError(`epochs must be a non-negative integer, got ${epochs}`, 'epochs');
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw configError(`batchSize must be a positive integer, got ${batchSize}`, 'batchSize');
  const seed = options.seed ?? 0;
  const lrSpec = options.lr ?? 0.01;
  const optimizerSpec: OptimizerSpec = options.optimizer ?? { type: 'sgd', momentum: 0.9 };
  const lossFn = options.loss ?? crossEntropyLoss;

  const exe = compileGraph(model, {
    batchFromInput: options.batchFromInput ?? true,
    ...(options.trainable === undefined ? {} : { trainable: options.trainable }),
  });
  const input = pickName(options.input, exe.inputNames, 'input');
  const output = pickName(options.output, exe.outputNames, 'output');
  const params: Param[] = [];
  exe.variables.forEach((variable, name) => variable.trainable && params.push({ name, variable }));
  const byVariable = new Map(params.map((p) => [p.variable.name, p.name]));
  const optimizer = createOptimizer(optimizerSpec, params);
  const masks = prepareMasks(options, exe);
  const stop = options.earlyStop;
  const restoreBest = stop !== undefined && stop.restoreBest !== false;
  const watchAccuracy = stop?.metric === 'accuracy';

  const fingerprint = fingerprintOf(
    JSON.stringify({
      seed,
      epochs,
      batchSize,
      lrSpec,
      optimizerSpec,
      input,
      output,
      stop: stop ?? null,
      shuffle: options.shuffle ?? true,
      params: [...exe.variables].map(([n, v]) => [n, v.shape, v.trainable]),
      masks: [...exe.variables].filter(([, v]) => masks.has(v)).map(([n]) => n),
    }),
  );

  let history: EpochStats[] = [];
  let best: { epoch: number; metric: number } | undefined;
  let bestWeights: Map<string, Float32Array> | undefined;
  let sinceBest = 0;
  let startEpoch = 0;
  let resumedFrom: number | undefined;

  try {
    const saved = options.checkpoint ? await options.checkpoint.load() : undefined;
    if (saved !== undefined) {
      const c = decodeCheckpoint(saved);
      // A checkpoint from other settings cannot give the same result: start over instead.
      if (c.fingerprint === fingerprint) {
        const part = (prefix: string) =>
          new Map([...c.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, d]) => [k.slice(prefix.length), d]));
        restoreVariables(exe, part('param:'));
        optimizer.setState(c.optimizerStep, part('slot:'));
        history = c.history;
        best = c.best;
        sinceBest = c.sinceBest;
        const b = part('best:');
        if (b.size > 0) bestWeights = b;
        startEpoch = c.epochsDone;
        resumedFrom = c.epochsDone;
      }
    }
    applyMasks(masks);
    if (stop?.baseline && options.validation && startEpoch === 0) {
      const v = evaluate(exe, options.validation, batchSize, input, output, options.validationLoss);
      const metric = watchAccuracy ? (v.accuracy ?? 0) : v.loss;
      if (Number.isFinite(metric)) {
        best = { epoch: -1, metric };
        if (restoreBest) bestWeights = snapshot(exe);
      }
    }

    let stoppedEarly = stop !== undefined && sinceBest >= stop.patience && startEpoch > 0;
    for (let epoch = startEpoch; epoch < epochs && !stoppedEarly; epoch++) {
      const lr = learningRate(lrSpec, epoch, epochs);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let labelled = true;
      let step = 0;
      const order = options.data.batches(batchSize, {
        shuffle: options.shuffle ?? true,
        seed: deriveSeed(seed, epoch),
      });
      for (const batch of order as Iterable<TrainBatch>) {
        if (options.signal?.aborted) {
          throw new AbortedError(`training stopped in epoch ${epoch + 1}`, { code: 'aborted' });
        }
        const n = batch.shape[0]!;
        const stepSeed = deriveSeed(seed, epoch, step);
        const lossValue = tf.tidy(() => {
          const x = tf.tensor(batch.input, batch.shape, 'float32');
          const labels = batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
          const { value, grads } = tf.variableGrads(
            () => {
              const outputs = exe.forward({ [input]: x }, { training: true, outputs: [output], seed: stepSeed });
              const logits = toLogits(outputs[output]!);
              if (batch.labels) correct += countCorrect(logits, batch.labels);
              else labelled = false;
              return lossFn({ logits, outputs, batch, ...(labels ? { labels } : {}) });
            },
            params.map((p) => p.variable),
          );
          const named = new Map<string, tf.Tensor>();
          for (const [vName, g] of Object.entries(grads)) named.set(byVariable.get(vName) ?? vName, g);
          optimizer.step(named, lr);
          return value.dataSync()[0]!;
        });
        exe.commitState();
        applyMasks(masks);
        if (!Number.isFinite(lossValue)) {
          throw new ConfigError(
            `loss became ${lossValue} in epoch ${epoch + 1} step ${step + 1}: lower the learning rate`,
            {
              code: 'train/diverged',
              field: 'lr',
            },
          );
        }
        lossSum += lossValue * n;
        seen += n;
        step++;
        options.onProgress?.({ phase: 'step', epoch, epochs, step, lr, loss: lossValue });
        // Let timers and abort signals run between steps.
        if (step % 16 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      const stats: EpochStats = { epoch, lr, loss: seen > 0 ? lossSum / seen : Number.NaN };
      if (labelled && seen > 0) stats.accuracy = correct / seen;
      if (options.validation) {
        const v = evaluate(exe, options.validation, batchSize, input, output, options.validationLoss);
        stats.valLoss = v.loss;
        if (v.accuracy !== undefined) stats.valAccuracy = v.accuracy;
      }
      history.push(stats);

      if (stop) {
        const metric = watchAccuracy ? (stats.valAccuracy ?? stats.accuracy ?? 0) : (stats.valLoss ?? stats.loss);
        const better =
          best === undefined ||
          (watchAccuracy ? metric > best.metric + (stop.minDelta ?? 0) : metric < best.metric - (stop.minDelta ?? 0));
        if (better) {
          best = { epoch, metric };
          sinceBest = 0;
          if (restoreBest) bestWeights = snapshot(exe);
        } else {
          sinceBest++;
        }
        stoppedEarly = sinceBest >= stop.patience;
      }
      if (options.checkpoint) {
        const tensors = new Map<string, Float32Array>();
        snapshot(exe).forEach((d, name) => tensors.set(`param:${name}`, d));
        optimizer
          .getState()
          .slots.forEach((t, key) => tensors.set(`slot:${key}`, (t.dataSync() as Float32Array).slice()));
        bestWeights?.forEach((d, name) => tensors.set(`best:${name}`, d));
        const c: Checkpoint = {
          fingerprint,
          epochsDone: epoch + 1,
          optimizerStep: optimizer.getState().step,
          history,
          ...(best ? { best } : {}),
          sinceBest,
          tensors,
        };
        await options.checkpoint.save(encodeCheckpoint(c));
      }
      options.onProgress?.({ phase: 'epoch', epoch, epochs, step, lr, loss: stats.loss, stats });
    }
    if (restoreBest && bestWeights) {
      restoreVariables(exe, bestWeights);
      applyMasks(masks);
    }
    exe.writeBack(model);
    return {
      history,
      stoppedEarly,
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
      ...(best ? { bestEpoch: best.epoch } : {}),
    };
  } finally {
    masks.forEach((m) => m.dispose());
    optimizer.dispose();
    exe.dispose();
  }
}
