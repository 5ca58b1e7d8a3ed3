import * as tf from '@tensorflow/tfjs';
import { AbortedError, ConfigError } from '@enxuto/ir';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobs, mlpModel, tinyCnnModel } from '../../test/models.js';
import { mnistSlice } from '../../test/mnist.js';
import { compileGraph } from '../compile.js';
import { initBackend } from '../node.js';
import { arrayBatches, holdOut, withHeldOut } from './batches.js';
import { memoryCheckpointStore } from './checkpoint.js';
import { distillationLoss } from './losses.js';
import { train } from './train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function accuracy(
  model: ReturnType<typeof mlpModel>,
  input: Float32Array,
  shape: number[],
  labels: Int32Array,
): number {
  const exe = compileGraph(model);
  const out = exe.run({ x: tf.tensor(input, shape) });
  const pred = tf.tidy(() => Object.values(out)[0]!.argMax(1).dataSync());
  Object.values(out).forEach((t) => t.dispose());
  exe.dispose();
  let ok = 0;
  labels.forEach((l, i) => (ok += pred[i] === l ? 1 : 0));
  return ok / labels.length;
}

function weights(model: ReturnType<typeof mlpModel>): Map<string, Float32Array> {
  return new Map(model.graph.initializers().map((v) => [v.name, v.const!.toFloat32().slice()]));
}

describe('holdOut', () => {
  it('splits a seeded share off, without overlap, the same way every time', () => {
    const n = 50;
    const input = Float32Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2));
    const labels = Int32Array.from({ length: n }, (_, i) => i);
    const ids = (s: ReturnType<typeof holdOut>['train']) =>
      [...s.batches(7)].flatMap((b) => [...b.labels!]).sort((a, b) => a - b);
    const a = holdOut(arrayBatches(input, [2], labels), 0.2, 3);
    expect([a.trainCount, a.validationCount]).toEqual([40, 10]);
    const val = ids(a.validation);
    const tr = ids(a.train);
    expect(val).toHaveLength(10);
    expect([...tr, ...val].sort((x, y) => x - y)).toEqual([...labels]);
    expect(ids(holdOut(arrayBatches(input, [2], labels), 0.2, 3).validation)).toEqual(val);
    expect(ids(holdOut(arrayBatches(input, [2], labels), 0.2, 4).validation)).not.toEqual(val);
    // Inputs travel with their labels.
    for (const b of a.validation.batches(10)) for (let r = 0; r < 10; r++) expect(b.input[2 * r]).toBe(b.labels![r]);
  });

  it('withHeldOut adds early stopping on the held-out share, and nothing when the share is 0', () => {
    const source = arrayBatches(
      new Float32Array(40),
      [2],
      Int32Array.from({ length: 20 }, (_, i) => i),
    );
    const none = withHeldOut(source, { validation: 0, patience: 3 });
    expect(none).toEqual({ data: source });
    const run = withHeldOut(source, { validation: 0.25, patience: 3, seed: 3, baseline: true });
    expect(run.earlyStop).toEqual({ patience: 3, restoreBest: true, baseline: true });
    const held = [...run.validation!.batches(20)].flatMap((b) => [...b.labels!]);
    const split = holdOut(source, 0.25, 3);
    expect(held).toEqual([...split.validation.batches(20)].flatMap((b) => [...b.labels!]));
    expect(held).toHaveLength(5);
  });
});

describe('train', () => {
  it('with a baseline, keeps the starting weights when no epoch beats them on held-out data', async () => {
    const tr = blobs(400, 4, 1);
    const te = blobs(200, 4, 2);
    const model = mlpModel({ input: 2, hidden: [16], classes: 4, seed: 5 });
    await train(model, { data: arrayBatches(tr.input, [2], tr.labels), epochs: 5, batchSize: 32, lr: 0.05, seed: 1 });
    const converged = weights(model);
    // Training towards wrong labels: every epoch ends worse on the held-out data than the start.
    const wrong = tr.labels.map((l) => (l + 1) % 4);
    const r = await train(model, {
      data: arrayBatches(tr.input, [2], wrong),
      validation: arrayBatches(te.input, [2], te.labels),
      epochs: 2,
      batchSize: 32,
      lr: 0.05,
      seed: 2,
      earlyStop: { patience: 5, baseline: true },
    });
    expect(r.bestEpoch).toBe(-1);
    expect(weights(model)).toEqual(converged);
  });

  it('separates a synthetic 4-class task (>= 95 % held-out accuracy)', async () => {
    const tr = blobs(400, 4, 1);
    const te = blobs(200, 4, 2);
    const model = mlpModel({ input: 2, hidden: [16], classes: 4, seed: 5 });
    const before = accuracy(model, te.input, [200, 2], te.labels);
    const liveTensors = tf.memory().numTensors;
    const result = await train(model, {
      data: arrayBatches(tr.input, [2], tr.labels),
      epochs: 5,
      batchSize: 32,
      lr: 0.05,
      seed: 1,
    });
    expect(result.history).toHaveLength(5);
    // Training frees everything it made: variables, optimizer slots, batches, intermediates.
    expect(tf.memory().numTensors).toBe(liveTensors);
    expect(result.history[4]!.loss).toBeLessThan(result.history[0]!.loss);
    const after = accuracy(model, te.input, [200, 2], te.labels);
    expect(after).toBeGreaterThanOrEqual(0.95);
    expect(after).toBeGreaterThan(before);
  });

  it('trains an MLP on 2,000 MNIST digits to >= 85 % on 1,000 held-out digits (adam, cosine)', async () => {
    const tr = mnistSlice(0, 200);
    const te = mnistSlice(900, 100);
    const model = mlpModel({ input: 784, hidden: [64], classes: 10, seed: 2 });
    const result = await train(model, {
      data: arrayBatches(tr.input, [784], tr.labels),
      validation: arrayBatches(te.input, [784], te.labels),
      epochs: 4,
      batchSize: 32,
      optimizer: { type: 'adam' },
      lr: { type: 'cosine', lr: 0.003, minLr: 0.0005 },
      seed: 7,
    });
    const last = result.history.at(-1)!;
    console.log(`MNIST MLP: ${result.history.map((h) => `${h.valAccuracy?.toFixed(4)}`).join(' -> ')}`);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(accuracy(model, te.input, [1000, 784], te.labels)).toBeCloseTo(last.valAccuracy!, 5);
    // Cosine from 0.003 to 0.0005 over 4 epochs: min + (max - min) * (1 + cos(pi * e / 3)) / 2.
    [0.003, 0.002375, 0.001125, 0.0005].forEach((lr, e) => expect(result.history[e]!.lr).toBeCloseTo(lr, 10));
  });

  it('keeps masked weights at exactly zero while the others train', async () => {
    const tr = blobs(128, 3, 3);
    const model = mlpModel({ input: 2, hidden: [8], classes: 3, seed: 9 });
    const w0 = model.graph.value('fc0.weight')!.const!.toFloat32().slice();
    const mask = Float32Array.from(w0, (_, i) => (i % 2 === 0 ? 1 : 0));
    await train(model, {
      data: arrayBatches(tr.input, [2], tr.labels),
      epochs: 2,
      batchSize: 16,
      lr: 0.1,
      masks: { 'fc0.weight': mask },
      optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 1e-3 },
    });
    const w1 = model.graph.value('fc0.weight')!.const!.toFloat32();
    let changed = 0;
    w1.forEach((v, i) => {
      if (mask[i] === 0) expect(Object.is(v, 0)).toBe(true);
      else if (v !== w0[i]) changed++;
    });
    expect(changed).toBe(mask.filter((m) => m === 1).length);
    await expect(
      train(model, {
        data: arrayBatches(tr.input, [2], tr.labels),
        epochs: 1,
        batchSize: 16,
        masks: { 'fc0.weight': [1] },
      }),
    ).rejects.toThrow(ConfigError);
  });

  it('resumes from a checkpoint to the same weights as an uninterrupted run', async () => {
    const tr = blobs(96, 3, 4);
    const spec = { input: 2, hidden: [8], classes: 3, seed: 11, batchNorm: true, dropout: 0.2 };
    const options = {
      data: arrayBatches(tr.input, [2], tr.labels),
      validation: arrayBatches(tr.input, [2], tr.labels),
      epochs: 3,
      batchSize: 16,
      seed: 5,
      optimizer: { type: 'adam' as const },
      lr: { type: 'step' as const, lr: 0.02, stepSize: 1, gamma: 0.5 },
    };
    const straight = mlpModel(spec);
    const full = await train(straight, options);

    const resumed = mlpModel(spec);
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const interrupted = train(resumed, {
      ...options,
      checkpoint: store,
      signal: controller.signal,
      onProgress: (p) => p.phase === 'epoch' && p.epoch === 1 && controller.abort(),
    });
    await expect(interrupted).rejects.toThrow(AbortedError);
    // The interrupted run wrote nothing back; its checkpoint holds two finished epochs.
    expect(weights(resumed)).toEqual(weights(mlpModel(spec)));
    const again = await train(resumed, { ...options, checkpoint: store });
    expect(again.resumedFrom).toBe(2);
    expect(again.history).toEqual(full.history);
    const a = weights(straight);
    const b = weights(resumed);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(Array.from(b.get(name)!), name).toEqual(Array.from(values));
    // BatchNormalization running statistics moved during training and were resumed too.
    expect(Array.from(a.get('bn0.mean')!).some((v) => v !== 0)).toBe(true);
  });

  it('stops early when the watched metric stops improving, restoring the best weights', async () => {
    const tr = blobs(64, 2, 6);
    const model = mlpModel({ input: 2, hidden: [4], classes: 2, seed: 12 });
    const result = await train(model, {
      data: arrayBatches(tr.input, [2], tr.labels),
      validation: arrayBatches(tr.input, [2], tr.labels),
      epochs: 20,
      batchSize: 16,
      lr: 1e-6,
      // No epoch can improve the loss by a whole unit.
      earlyStop: { patience: 2, minDelta: 1 },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(3);
    expect(result.bestEpoch).toBe(0);
  });

  it('trains a small CNN (grouped, strided conv, max pool) on wasm: loss goes down', async () => {
    const n = 64;
    const input = new Float32Array(n * 64);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // Class 1: a bright vertical bar, class 0: a horizontal one.
      labels[i] = i % 2;
      for (let k = 0; k < 8; k++) input[i * 64 + (labels[i] ? k * 8 + (i % 8) : (i % 8) * 8 + k)] = 1;
    }
    const model = tinyCnnModel(8, 8, 2);
    const result = await train(model, {
      data: arrayBatches(input, [1, 8, 8], labels),
      epochs: 6,
      batchSize: 16,
      lr: 0.05,
    });
    expect(result.history.at(-1)!.loss).toBeLessThan(0.5 * result.history[0]!.loss);
    expect(result.history.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('takes a custom loss: distillation from a teacher equal to the student has zero soft loss', () => {
    const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 4 });
    const exe = compileGraph(model);
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const logits = exe.run({ x })[exe.outputNames[0]!] as tf.Tensor2D;
    const loss = distillationLoss({ teacherLogits: () => logits, temperature: 3, alpha: 1 });
    const value = loss({ logits, outputs: {}, batch: { input: new Float32Array(4), shape: [2, 2] } }).dataSync()[0]!;
    expect(Math.abs(value)).toBeLessThan(1e-5);
    const shifted = loss({
      logits: logits.mul(-1) as tf.Tensor2D,
      outputs: {},
      batch: { input: new Float32Array(4), shape: [2, 2] },
    });
    expect(shifted.dataSync()[0]!).toBeGreaterThan(0.01);
    exe.dispose();
  });
});
