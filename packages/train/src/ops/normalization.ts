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

export function groupNormalization(inputs: readonly tf.Tensor[], a: OpAttrs): tf.Tensor[] {
  const [x, scale, bias] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  const groups = a.int('num_groups', 1);
  const eps = a.float('epsilon', 1e-5);
  const [n, c] = x.shape as [number, number];
  const grouped = x.reshape([n, groups, -1]);
  const { mean, variance } = tf.moments(grouped, [2], true);
  const y = grouped.sub(mean).div(variance.add(eps).sqrt()).reshape(x.shape);
  // Opset 18 has one scale per group, opset 21 one per channel.
  const perC = (t: tf.Tensor) =>
    t.size === c
      ? t
      : tf.gather(
          t,
          tf.tensor1d(
            Array.from({ length: c }, (_, i) => Math.floor((i * groups) / c)),
            'int32',
          ),
        );
  return [y.mul(perChannel(perC(scale), x.rank)).add(perChannel(perC(bias), x.rank))];
}

export function rmsNormalization(inputs: readonly tf.Tensor[], a: OpAttrs): tf.Tensor[] {
  const [x, scale] = inputs as [tf.Tensor, tf.Tensor];
  let axis = a.int('axis', -1);
  if (axis < 0) axis += x.rank;
  const axes = Array.from({ length: x.rank - axis }, (_, i) => i + axis);
  const rms = x.square().mean(axes, true).add(a.float('epsilon', 1e-5)).rsqrt();
  return [x.mul(rms).mul(scale)];
}

/** Local response normalization across channels (axis 1). */
export function lrn(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const size = a.int('size', 1);
  const alpha = a.float('alpha', 1e-4);
  const beta = a.float('beta', 0.75);
  const bias = a.float('bias', 1);
  const before = Math.floor((size - 1) / 2);
  const after = Math.ceil((size - 1) / 2);
  const sq = x.square();
  const pads = x.shape.map((_, i): [number, number] => (i === 1 ? [before, after] : [0, 0]));
  const padded = tf.pad(sq, pads);
  let sum: tf.Tensor = tf.zerosLike(x);
  const c = x.shape[1]!;
  for (let k = 0; k < size; k++) {
    const begin = x.shape.map((_, i) => (i === 1 ? k : 0));
    const extent = x.shape.map((d, i) => (i === 1 ? c : d));
    sum = sum.add(padded.slice(begin, extent));
  }
  return x.div(
    sum
      .mul(alpha / size)
      .add(bias)
      .pow(beta),
  );
}

export function lpNormalization(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  let axis = a.int('axis', -1);
  if (axis < 0) axis += x.rank;
  const p = a.int('p', 2);
  const norm = p === 1 ? x.abs().sum(axis, true) : x.square().sum(axis, true).sqrt();
  // A zero vector stays zero (the reference divides by 1 there).
  return x.div(tf.where(norm.equal(0), tf.onesLike(norm), norm));
}

export function meanVarianceNormalization(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const axes = a.ints('axes', [0, 2, 3]);
  const { mean, variance } = tf.moments(x, axes, true);
  return x.sub(mean).div(variance.sqrt().add(1e-9));
}
