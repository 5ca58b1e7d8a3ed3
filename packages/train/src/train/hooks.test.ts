// The hooks distillation and augmentation run through: a batch transform the loss (and a teacher
// in it) sees, extra trained variables that are not written back, intermediate outputs handed to
// the loss, and a teacher that keeps its logits per sample between epochs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobs, mlpModel } from '../../test/models.js';
import { initBackend } from '../node.js';
import { arrayBatches, type TrainBatch } from './batches.js';
import { crossEntropyFromLogits } from './losses.js';
import { modelTeacher } from './teacher.js';
import { train } from './train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const b = blobs(64, 3, 1);
const data = arrayBatches(b.input, [2], b.labels);

describe('train hooks', () => {
  it('feeds transformed batches to the loss, and validation data untransformed', async () => {
    const seen: number[] = [];
    const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 5 });
    await train(model, {
      data,
      validation: data,
      epochs: 2,
      batchSize: 16,
      transformBatch: (batch, at) => ({ ...batch, input: batch.input.map(() => at.epoch + 100) }),
      loss: ({ logits, labels, batch }) => {
        seen.push(batch.input[0]!);
        return crossEntropyFromLogits(logits, labels!);
      },
      validationLoss: ({ logits, labels, batch }) => {
        seen.push(-batch.input[0]!);
        return crossEntropyFromLogits(logits, labels!);
      },
    });
    const trained = seen.filter((x) => x >= 100);
    expect(trained).toEqual([100, 100, 100, 100, 101, 101, 101, 101]);
    // Validation saw the raw blobs (|x| <= 3.5), negated above.
    expect(seen.filter((x) => x < 100).every((x) => Math.abs(x) < 4)).toBe(true);
    expect(seen.filter((x) => x < 100)).toHaveLength(8);
  });

  it('trains extra parameters on intermediate outputs without writing them into the model', async () => {
    const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 5 });
    const before = model.graph.initializers().map((v) => v.name);
    const adapter = tf.variable(tf.zeros([4, 2]), true, 'hooks-test-adapter');
    const r = await train(model, {
      data,
      epochs: 3,
      batchSize: 16,
      lr: 0.05,
      outputs: ['relu0.out'],
      extraParams: [{ name: 'adapter', variable: adapter }],
      // Only the adapter's term can move it: map the hidden features back to the inputs.
      loss: ({ logits, labels, outputs, batch }) => {
        const x = tf.tensor(batch.input, batch.shape);
        const mse = tf.losses.meanSquaredError(x, tf.matMul(outputs['relu0.out'] as tf.Tensor2D, adapter));
        return crossEntropyFromLogits(logits, labels!).add(mse) as tf.Scalar;
      },
    });
    expect(r.history).toHaveLength(3);
    expect(tf.tidy(() => adapter.abs().sum().dataSync()[0]!)).toBeGreaterThan(0.01);
    expect(model.graph.initializers().map((v) => v.name)).toEqual(before);
    adapter.dispose();
  });

  it('rejects an output the model does not have', async () => {
    const model = mlpModel({ input: 2, hidden: [4], classes: 3, seed: 5 });
    await expect(train(model, { data, epochs: 1, batchSize: 16, outputs: ['nope'] })).rejects.toMatchObject({
      code: 'train/bad-option',
    });
  });

  it('a caching teacher returns the same logits from its cache, and recomputes batches without indices', () => {
    const teacher = modelTeacher(mlpModel({ input: 2, hidden: [4], classes: 3, seed: 7 }), { cache: true });
    const batches = (seed: number) => [...data.batches(16, { shuffle: true, seed })];
    const first = batches(1).map((x) => tf.tidy(() => teacher.logits(x).arraySync()));
    const again = batches(1).map((x) => tf.tidy(() => teacher.logits(x).arraySync()));
    expect(again).toEqual(first);
    // A cached row belongs to its sample index, whatever batch order serves it.
    const other = batches(2)[0]!;
    const plain = modelTeacher(mlpModel({ input: 2, hidden: [4], classes: 3, seed: 7 }));
    const fresh = tf.tidy(() => plain.logits(other).arraySync());
    plain.dispose();
    const cached = tf.tidy(() => teacher.logits(other).arraySync());
    fresh.forEach((row, r) => row.forEach((v, c) => expect(cached[r]![c]).toBeCloseTo(v, 5)));
    // The cache answers by index (other inputs under the same indices get the cached rows)...
    const input = other.input.map((v) => v + 1);
    expect(tf.tidy(() => teacher.logits({ ...other, input }).arraySync())).toEqual(cached);
    // ...and a batch without indices (jittered: new data) is computed.
    const shifted: TrainBatch = { input, shape: other.shape };
    expect(tf.tidy(() => teacher.logits(shifted).arraySync())).not.toEqual(cached);
    teacher.dispose();
  });
});
