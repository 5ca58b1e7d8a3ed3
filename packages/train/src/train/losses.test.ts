// The one knowledge-distillation loss (Hinton et al.) against hand-computed values.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node.js';
import { crossEntropyFromLogits, kdLoss, softTargetKl } from './losses.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const t2 = (rows: number[][]) => tf.tensor2d(rows);
const value = (s: tf.Scalar) => {
  const v = s.dataSync()[0]!;
  s.dispose();
  return v;
};

describe('kd loss', () => {
  it('is KL(teacher || student), not the reverse', () => {
    // teacher softmax [0.75, 0.25], student [0.5, 0.5]: KL(t||s) = 0.130812, KL(s||t) = 0.143841
    expect(value(softTargetKl(t2([[0, 0]]), t2([[Math.log(3), 0]]), 1))).toBeCloseTo(0.130812, 5);
  });

  it('softens both sides by T', () => {
    expect(value(softTargetKl(t2([[0, 0]]), t2([[Math.log(3), 0]]), 2))).toBeCloseTo(0.0363408, 6);
  });

  it('weights alpha * T^2 * KL + (1 - alpha) * CE, averaged over the batch', () => {
    const s = t2([
      [1, 1, 0],
      [0.2, 0, 1],
    ]);
    const t = t2([
      [2, 1, 0],
      [0, 0.5, 3],
    ]);
    const labels = tf.tensor1d([0, 2], 'int32');
    expect(value(kdLoss(s, t, { temperature: 3, alpha: 0.7, labels }))).toBeCloseTo(0.4185585, 5);
    expect(
      value(
        kdLoss(t2([[0, 0]]), t2([[Math.log(3), 0]]), { temperature: 2, alpha: 0.9, labels: tf.tensor1d([0], 'int32') }),
      ),
    ).toBeCloseTo(0.2001415, 5);
  });

  it('uses the soft term alone (alpha = 1) without labels', () => {
    const s = t2([
      [1, 1, 0],
      [0.2, 0, 1],
    ]);
    const t = t2([
      [2, 1, 0],
      [0, 0.5, 3],
    ]);
    expect(value(kdLoss(s, t, { temperature: 3, alpha: 0.7 }))).toBeCloseTo(0.2852343, 5);
  });

  it('is pure cross-entropy at alpha 0', () => {
    const s = t2([[0, 0]]);
    expect(value(kdLoss(s, t2([[5, 0]]), { temperature: 4, alpha: 0, labels: tf.tensor1d([1], 'int32') }))).toBeCloseTo(
      Math.log(2),
      6,
    );
    expect(value(crossEntropyFromLogits(s, tf.tensor1d([0], 'int32')))).toBeCloseTo(Math.log(2), 6);
  });

  it('is zero when the student equals the teacher and alpha is 1', () => {
    expect(value(kdLoss(t2([[3, -1, 2]]), t2([[3, -1, 2]]), { temperature: 5, alpha: 1 }))).toBeCloseTo(0, 7);
  });
});
