// Losses on a batch. A loss is a function of the model's outputs and the batch, so distillation
// can plug in one that also runs a teacher (soft targets, temperature) without touching the loop.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@enxuto/ir';
import type { TrainBatch } from './batches.js';

export interface LossInput {
  /** The trained output (logits), flattened to [batch, classes]. */
  logits: tf.Tensor2D;
  /** Batch labels as int32, when the batch has them. */
  labels?: tf.Tensor1D;
  /** Every requested graph output, by name. */
  outputs: Readonly<Record<string, tf.Tensor>>;
  /** The raw batch (a teacher model can run on batch.input). */
  batch: TrainBatch;
}

export type LossFn = (input: LossInput) => tf.Scalar;

/** Mean softmax cross-entropy of integer labels against logits. */
export function crossEntropyFromLogits(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const classes = logits.shape[1];
  const oneHot = tf.oneHot(labels, classes).toFloat();
  return oneHot.mul(tf.logSoftmax(logits)).sum(1).mean().neg() as tf.Scalar;
}

export const crossEntropyLoss: LossFn = ({ logits, labels }) => {
  if (labels === undefined) {
    throw new ConfigError('cross-entropy needs labelled data', { code: 'train/no-labels', field: 'data.labels' });
  }
  return crossEntropyFromLogits(logits, labels);
};

export interface DistillationOptions {
  /** Teacher logits for the batch, [batch, classes]. */
  teacherLogits: (batch: TrainBatch) => tf.Tensor2D;
  /**
   * Softening temperature (Hinton et al.); default 4. 'auto': the teacher's own logit scale (see
   * `logitScale`), for models whose logits span thousands as well as units.
   */
  temperature?: number | 'auto';
  /** Weight of the soft-target term; the rest goes to hard-label cross-entropy. Default 0.9. */
  alpha?: number;
}

/** Mean over the batch of KL(softmax(teacher/T) || softmax(student/T)), in log-softmax form (no log(0)). */
export function softTargetKl(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number | tf.Scalar): tf.Scalar {
  const logPt = tf.logSoftmax(teacher.div(temperature));
  const logPs = tf.logSoftmax(student.div(temperature));
  return tf.exp(logPt).mul(logPt.sub(logPs)).sum(1).mean() as tf.Scalar;
}

/**
 * The mean over rows of the logits' standard deviation: as a temperature it leaves soft targets
 * with unit-spread logits, informative whatever scale the model was trained to (mnist-8's logits
 * span thousands, where T = 4 still gives one-hot targets and no gradient on agreeing rows).
 */
export function logitScale(logits: tf.Tensor2D): tf.Scalar {
  return tf.moments(logits, 1).variance.sqrt().mean().add(1e-6) as tf.Scalar;
}

export interface KdTerms {
  /** Softening temperature T (> 0), or a scalar (the 'auto' temperature of a batch). */
  temperature: number | tf.Scalar;
  /** Weight of the soft-target term in [0, 1]; without labels the soft term alone (alpha = 1). */
  alpha: number;
  labels?: tf.Tensor1D;
}

/**
 * The knowledge-distillation loss of Hinton, Vinyals & Dean (2015):
 *   alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(labels, s)
 * The T^2 factor keeps the soft-target gradients the same size as the hard ones when T changes.
 */
export function kdLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, o: KdTerms): tf.Scalar {
  const alpha = o.labels === undefined ? 1 : o.alpha;
  const T = o.temperature;
  const soft = alpha > 0 ? softTargetKl(student, teacher, T).mul(tf.square(T)).mul(alpha) : tf.scalar(0);
  if (alpha >= 1 || o.labels === undefined) return soft as tf.Scalar;
  return soft.add(crossEntropyFromLogits(student, o.labels).mul(1 - alpha)) as tf.Scalar;
}

/** `kdLoss` against the teacher's logits for each batch, as a training loss. */
export function distillationLoss(o: DistillationOptions): LossFn {
  const alpha = o.alpha ?? 0.9;
  return (input) => {
    const teacher = o.teacherLogits(input.batch);
    const temperature = o.temperature === 'auto' ? logitScale(teacher) : (o.temperature ?? 4);
    return kdLoss(input.logits, teacher, { temperature, alpha, ...(input.labels ? { labels: input.labels } : {}) });
  };
}

/** Number of rows whose arg-max equals the label. */
export function countCorrect(logits: tf.Tensor2D, labels: Int32Array): number {
  const pred = tf.tidy(() => logits.argMax(1).dataSync());
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) n++;
  return n;
}
