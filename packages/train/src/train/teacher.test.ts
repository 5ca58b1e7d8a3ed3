// Distillation pieces: a temperature at the teacher's own logit scale, a float model as teacher
// (the logits under a final Softmax), and validation measured with the training objective.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobs, mlpModel } from '../../test/models.js';
import { initBackend } from '../node.js';
import { arrayBatches } from './batches.js';
import { distillationLoss, logitScale, softTargetKl } from './losses.js';
import { logitsOutput, modelTeacher } from './teacher.js';
import { train } from './train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const TEACHER = [
  [3, -1, 0.5],
  [-2, 1, 0],
];
const STUDENT = [
  [2, 0, 0.5],
  [-1, 1.5, -0.5],
];

describe('logitScale as a temperature', () => {
  it('makes the soft-target loss independent of the logits scale, where a fixed T saturates', () => {
    const kl = (k: number, T: number | 'auto') =>
      tf.tidy(() => {
        const t = tf.tensor2d(TEACHER).mul(k) as tf.Tensor2D;
        return softTargetKl(
          tf.tensor2d(STUDENT).mul(k) as tf.Tensor2D,
          t,
          T === 'auto' ? logitScale(t) : T,
        ).dataSync()[0]!;
      });
    expect(kl(1000, 'auto')).toBeCloseTo(kl(1, 'auto'), 5);
    expect(kl(1, 'auto')).toBeGreaterThan(0.01);
    // With T = 4 at logits x1000 the student's arg-max already agrees: no soft signal is left.
    expect(kl(1000, 4)).toBeLessThan(1e-6);
  });

  it("gives 'auto' distillation a gradient on rows whose arg-max already agrees", () => {
    const grad = (T: number | 'auto') =>
      tf.tidy(() => {
        const big = tf.tensor2d(TEACHER).mul(1000) as tf.Tensor2D;
        const loss = distillationLoss({ teacherLogits: () => big, temperature: T, alpha: 1 });
        const batch = { input: new Float32Array(6), shape: [2, 3] };
        const g = tf.grad((s: tf.Tensor) => loss({ logits: s as tf.Tensor2D, outputs: {}, batch }))(
          tf.tensor2d(STUDENT).mul(1000),
        );
        return g.abs().max().dataSync()[0]!;
      });
    expect(grad('auto')).toBeGreaterThan(1e-3);
    expect(grad(4)).toBeLessThan(1e-9);
  });
});

describe('modelTeacher', () => {
  it('reads the logits under a final Softmax', () => {
    const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 2 });
    const g = model.graph;
    const logits = g.outputs[0]!;
    const probs = g.addNode({ opType: 'Softmax', inputs: [logits], outputs: ['probs'] }).output(0);
    g.setOutputs([probs]);
    expect(logitsOutput(model)).toBe(logits.name);
    const t = modelTeacher(model);
    const y = t.logits({ input: Float32Array.of(1, 2, -3, 0.5), shape: [2, 2] });
    expect(y.shape).toEqual([2, 3]);
    // Logits, not probabilities: rows do not sum to 1.
    const sums = y.sum(1).dataSync();
    expect(Math.abs(sums[0]! - 1) + Math.abs(sums[1]! - 1)).toBeGreaterThan(0.01);
    y.dispose();
    t.dispose();
  });
});

describe('train validationLoss', () => {
  it('measures held-out data with the given loss instead of cross-entropy', async () => {
    const b = blobs(64, 3, 1);
    const data = arrayBatches(b.input, [2], b.labels);
    const run = async (selfDistill: boolean) => {
      const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 5 });
      const t = modelTeacher(mlpModel({ input: 2, hidden: [4], classes: 3, seed: 5 }));
      const loss = distillationLoss({ teacherLogits: (b) => t.logits(b), temperature: 'auto', alpha: 1 });
      const r = await train(model, {
        data,
        validation: data,
        epochs: 1,
        batchSize: 16,
        lr: 1e-30,
        ...(selfDistill ? { validationLoss: loss } : {}),
      });
      t.dispose();
      return r.history[0]!.valLoss!;
    };
    // An unchanged model agrees with itself as teacher: zero; its cross-entropy with the labels is not.
    expect(await run(true)).toBeLessThan(1e-5);
    expect(await run(false)).toBeGreaterThan(0.05);
  });
});
