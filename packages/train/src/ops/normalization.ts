// BatchNormalization (inference and training), InstanceNormalization, LayerNormalization.
import * as tf from '@tensorflow/tfjs';
import type { OpAttrs } from './op-attrs.js';
import type { OpContext } from './op-types.js';

/** [C] -> [C, 1, 1, ...] so it broadcasts along axis 1 of a rank-`rank` NC... tensor. */
function perChannel(t: tf.Tensor, rank: number): tf.Tensor {
  return t.reshape([t.size, ...Array<number>(Math.max(0, rank - 2)).fill(1)]);
}

function allButChannel(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
}

export function batchNormalization(inputs: readonly tf.Tensor[], a: OpAttrs, ctx: OpContext): tf.Tensor[] {
  const [x, scale, bias, mean, variance] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const eps = a.float('epsilon', 1e-5);
  const rank = x.rank;
  const modeAttr = a.int('training_mode', 0) === 1;
  const normalize = (m: tf.Tensor, v: tf.Tensor) => {
    const k = perChannel(scale.div(v.add(eps).sqrt()), rank);
    return x.sub(perChannel(m, rank)).mul(k).add(perChannel(bias, rank));
  };
  if (!modeAttr && !ctx.training) return [normalize(mean, variance)];
  const axes = allButChannel(rank);
  const { mean: batchMean, variance: batchVar } = tf.moments(x, axes);
  const momentum = a.float('momentum', 0.9);
  const runningMean = mean.mul(momentum).add(batchMean.mul(1 - momentum));
  const runningVar = variance.mul(momentum).add(batchVar.mul(1 - momentum));
  if (ctx.training && ctx.assignInput) {
    ctx.assignInput(3, runningMean);
    ctx.assignInput(4, runningVar);
  }
  return [normalize(batchMean, batchVar), runningMean, runningVar];
}

export function instanceNormalization(inputs: readonly tf.Tensor[], a: OpAttrs): tf.Tensor[] {
  const [x, scale, bias] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  const eps = a.float('epsilon', 1e-5);
  const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  const { mean, variance } = tf.moments(x, axes, true);
  const y = x.sub(mean).div(variance.add(eps).sqrt());
  return [y.mul(perChannel(scale, x.rank)).add(perChannel(bias, x.rank))];
}

export function layerNormalization(inputs: readonly tf.Tensor[], a: OpAttrs): tf.Tensor[] {
  const [x, scale] = inputs as [tf.Tensor, tf.Tensor];
  const bias = inputs[2] as tf.Tensor | undefined;
  const eps = a.float('epsilon', 1e-5);
  let axis = a.int('axis', -1);
  if (axis < 0) axis += x.rank;
  const axes = Array.from({ length: x.rank - axis }, (_, i) => i + axis);
  const { mean, variance } = tf.moments(x, axes, true);
  const invStd = variance.add(eps).rsqrt();
  let y = x.sub(mean).mul(invStd).mul(scale);
  if (bias) y = y.add(bias);
  return [y, mean, invStd];
}
