// Feature distillation (FitNets-style hints): MSE between a teacher's and a student's intermediate
// values. Where the widths differ, a learned linear map (a 1x1 convolution for [N, C, H, W]
// features) takes the student's width to the teacher's; it is trained along with the student and
// thrown away afterwards.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '@enxuto/ir';

export interface FeaturePair {
  /** Value name in the teacher graph. */
  teacher: string;
  /** Value name in the student graph. */
  student: string;
  /** Weight of this pair's MSE in the loss (default 1). */
  weight?: number;
}

export interface FeatureAdapter {
  pair: FeaturePair;
  /** [studentWidth, teacherWidth], or undefined when the widths already agree. */
  weight: tf.Variable | undefined;
}

/** Features are [N, C] or [N, C, H, W]: the width is dim 1 either way. */
function widthOf(shape: readonly number[]): number {
  return shape[1]!;
}

/** Builds the adapter of one pair from a probe batch's feature shapes (Glorot-uniform, seeded). */
export function createAdapter(
  pair: FeaturePair,
  studentShape: readonly number[],
  teacherShape: readonly number[],
  random: () => number,
): FeatureAdapter {
  const bad = (why: string) =>
    new ConfigError(`feature pair ${pair.student} -> ${pair.teacher}: ${why}`, {
      code: 'distill/bad-feature',
      field: 'features',
      value: pair.student,
    });
  if (studentShape.length !== 2 && studentShape.length !== 4) {
    throw bad(`only [N, C] and [N, C, H, W] features are supported, got [${studentShape.join(',')}]`);
  }
  if (studentShape.length !== teacherShape.length)
    throw bad(`ranks differ ([${studentShape.join(',')}] vs [${teacherShape.join(',')}])`);
  for (let i = 2; i < studentShape.length; i++) {
    if (studentShape[i] !== teacherShape[i])
      throw bad(`spatial sizes differ ([${studentShape.join(',')}] vs [${teacherShape.join(',')}])`);
  }
  const ds = widthOf(studentShape);
  const dt = widthOf(teacherShape);
  if (ds === dt) return { pair, weight: undefined };
  const limit = Math.sqrt(6 / (ds + dt));
  const init = Float32Array.from({ length: ds * dt }, () => (random() * 2 - 1) * limit);
  return { pair, weight: tf.variable(tf.tensor2d(init, [ds, dt]), true, `adapter/${pair.student}`) };
}

/** The student feature mapped to the teacher's width. */
export function adapt(adapter: FeatureAdapter, feature: tf.Tensor): tf.Tensor {
  const w = adapter.weight;
  if (w === undefined) return feature;
  if (feature.rank === 2) return tf.matMul(feature as tf.Tensor2D, w);
  const [n, c, h, wd] = feature.shape as [number, number, number, number];
  const rows = feature.transpose([0, 2, 3, 1]).reshape([n * h * wd, c]);
  return tf
    .matMul(rows as tf.Tensor2D, w)
    .reshape([n, h, wd, w.shape[1]!])
    .transpose([0, 3, 1, 2]);
}

/** Weighted sum over pairs of mean squared error between adapted student and teacher features. */
export function featureLoss(
  adapters: readonly FeatureAdapter[],
  student: Readonly<Record<string, tf.Tensor>>,
  teacher: Readonly<Record<string, tf.Tensor>>,
): tf.Scalar {
  let total: tf.Tensor = tf.scalar(0);
  for (const a of adapters) {
    const s = adapt(a, student[a.pair.student]!);
    const t = teacher[a.pair.teacher]!;
    total = total.add(tf.losses.meanSquaredError(t, s).mul(a.pair.weight ?? 1));
  }
  return total as tf.Scalar;
}
