// The training loop: seeded shuffling, masks that keep pruned weights at exactly zero, validation
// each epoch, early stopping, and checkpoints from which a re-run resumes to the same weights.
import * as tf from '@tensorflow/tfjs';
import { AbortedError, ConfigError, type Model } from '@enxuto/ir';
import { compileGraph } from '../compile.js';
import type { BatchSource, TrainBatch } from './batches.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  fingerprintOf,
  type Checkpoint,
  type CheckpointStore,
  type EpochStats,
} from './checkpoint.js';
import { evaluateExecutable, toLogits } from './evaluate.js';
import { countCorrect, crossEntropyLoss, type LossFn } from './losses.js';
import { createOptimizer, type OptimizerSpec, type Param } from './optimizers.js';
import { deriveSeed } from './rng.js';
import { learningRate, type LrSchedule } from './schedules.js';
import { logitsOutput } from './teacher.js';
import { applyMasks, prepareMasks, restoreVariables, snapshot, type MaskSpec } from './variables.js';

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
  /** Value holding the logits; default the first output (the input of a final Softmax, if any). */
  output?: string;
  /** More values the loss reads from `outputs` (intermediate features). */
  outputs?: readonly string[];
  /**
   * Changes each training batch before the step (augmentation such as jitter): the loss, and a
   * teacher in it, see the changed batch. Validation batches are not transformed.
   */
  transformBatch?: (batch: TrainBatch, at: { epoch: number; step: number; seed: number }) => TrainBatch;
  /** Variables trained along with the model and not written back (feature adapters). */
  extraParams?: readonly Param[];
  trainable?: readonly string[] | 'all';
  /** See CompileOptions.batchFromInput; default true, since training feeds whole batches. */
  batchFromInput?: boolean;
  /** Per-initializer 0/1 masks (same size as the weight): zeros stay exactly zero. */
  masks?: MaskSpec;
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

function pickInput(given: string | undefined, names: readonly string[]): string {
  if (given !== undefined) {
    if (!names.includes(given)) throw configError(`input ${given} is not one of ${names.join(', ')}`, 'input');
    return given;
  }
  if (names.length !== 1) {
    throw configError(
      `the model has ${names.length} inputs (${names.join(', ')}); say which one the data feeds`,
      'input',
    );
  }
  return names[0]!;
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
  const input = pickInput(options.input, exe.inputNames);
  const output = options.output ?? logitsOutput(model);
  const wanted = [output, ...(options.outputs ?? []).filter((o) => o !== output)];
  for (const name of wanted)
    if (!model.graph.value(name)) throw configError(`the model has no value named ${name}`, 'output');
  const extras = options.extraParams ?? [];
  const params: Param[] = [];
  exe.variables.forEach((variable, name) => variable.trainable && params.push({ name, variable }));
  params.push(...extras);
  const byVariable = new Map(params.map((p) => [p.variable.name, p.name]));
  const optimizer = createOptimizer(optimizerSpec, params);
  const masks = prepareMasks(options.masks, exe);
  const saveExtras = (into: Map<string, Float32Array>) =>
    extras.forEach((p) => into.set(`extra:${p.name}`, (p.variable.dataSync() as Float32Array).slice()));
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
      extras: extras.map((p) => [p.name, p.variable.shape]),
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
        const e = part('extra:');
        for (const p of extras) if (e.has(p.name)) p.variable.assign(tf.tensor(e.get(p.name)!, p.variable.shape));
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
      const v = evaluateExecutable(exe, options.validation, batchSize, input, output, options.validationLoss);
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
      for (const given of order as Iterable<TrainBatch>) {
        if (options.signal?.aborted) {
          throw new AbortedError(`training stopped in epoch ${epoch + 1}`, { code: 'aborted' });
        }
        const stepSeed = deriveSeed(seed, epoch, step);
        const batch = options.transformBatch ? options.transformBatch(given, { epoch, step, seed: stepSeed }) : given;
        const n = batch.shape[0]!;
        const lossValue = tf.tidy(() => {
          const x = tf.tensor(batch.input, batch.shape, 'float32');
          const labels = batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
          const { value, grads } = tf.variableGrads(
            () => {
              const outputs = exe.forward({ [input]: x }, { training: true, outputs: wanted, seed: stepSeed });
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
        const v = evaluateExecutable(exe, options.validation, batchSize, input, output, options.validationLoss);
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
        saveExtras(tensors);
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
