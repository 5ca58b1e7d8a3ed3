// The knowledge-distillation loss of Hinton, Vinyals & Dean (2015), as a TF.js kernel:
//   alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(labels, s)
// The T^2 factor keeps the soft-target gradients the same size as the hard ones when T changes.
import * as tf from '@tensorflow/tfjs';

export interface KdLossOptions {
  /** Softening temperature T (> 0). */
  temperature: number;
  /** Weight of the soft-target term in [0, 1]; without labels the loss is the soft term alone (alpha = 1). */
  alpha: number;
  /** Integer class labels, one per row; leave out for an unlabelled transfer set. */
  labels?: tf.Tensor1D;
}

/** Mean over the batch of KL(softmax(teacher/T) || softmax(student/T)). */
export function softTargetKl(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logPt = tf.logSoftmax(teacher.div(temperature));
    const logPs = tf.logSoftmax(student.div(temperature));
    return tf.exp(logPt).mul(logPt.sub(logPs)).sum(1).mean() as tf.Scalar;
  });
}

/** Mean softmax cross-entropy of integer labels against logits. */
export function hardCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1]).toFloat();
    return oneHot.mul(tf.logSoftmax(logits)).sum(1).mean().neg() as tf.Scalar;
  });
}

export function kdLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, o: KdLossOptions): tf.Scalar {
  const T = o.temperature;
  const alpha = o.labels === undefined ? 1 : o.alpha;
  return tf.tidy(() => {
    let loss = alpha > 0 ? softTargetKl(student, teacher, T).mul(alpha * T * T) : tf.scalar(0);
    if (alpha < 1 && o.labels) loss = loss.add(hardCrossEntropy(student, o.labels).mul(1 - alpha));
    return loss as tf.Scalar;
  });
}
