// Indexing and layout ops beyond the core set: GatherElements, Trilu, OneHot, TopK,
// DepthToSpace/SpaceToDepth, EyeLike.
import * as tf from '@tensorflow/tfjs';
import type { OpAttrs } from './op-attrs.js';
import { hostInts, hostNumber, normAxis, optionalInput, type OpInputs } from './op-types.js';

/** Strides of a row-major shape. */
function strides(shape: readonly number[]): number[] {
  const out = Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

export function gatherElements(x: tf.Tensor, indices: tf.Tensor, a: OpAttrs): tf.Tensor {
  const axis = normAxis(a.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const idx = indices.toInt();
  const wrapped = tf.where(idx.less(0), idx.add(tf.scalar(dim, 'int32')), idx);
  const xs = strides(x.shape);
  // Flat offset of every output position: its own coordinates, with `axis` taken from indices.
  let flat: tf.Tensor = tf.zeros(indices.shape, 'int32');
  for (let d = 0; d < x.rank; d++) {
    const coord =
      d === axis
        ? wrapped
        : tf.range(0, indices.shape[d]!, 1, 'int32').reshape(indices.shape.map((s, i) => (i === d ? s : 1)));
    flat = flat.add(coord.mul(tf.scalar(xs[d]!, 'int32')));
  }
  return tf.gather(x.reshape([-1]), flat.reshape([-1])).reshape(indices.shape);
}

export function trilu(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const x = inputs[0]!;
  const kT = optionalInput(inputs, 1);
  const k = kT ? hostNumber(kT) : 0;
  const upper = a.int('upper', 1) === 1;
  const [rows, cols] = [x.shape[x.rank - 2]!, x.shape[x.rank - 1]!];
  const keep = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) keep[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  return tf.where(tf.tensor(keep, [rows, cols], 'bool'), x, tf.zerosLike(x));
}

export function oneHot(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const [indices, depthT, values] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
  const depth = hostNumber(depthT);
  const [off, on] = Array.from(values.dataSync(), Number) as [number, number];
  const idx = indices.toFloat().floor().toInt();
  const wrapped = tf.where(idx.less(0), idx.add(tf.scalar(depth, 'int32')), idx);
  let y: tf.Tensor = tf.oneHot(wrapped, depth, 1, 0).cast(values.dtype);
  y = y.mul(tf.scalar(on - off, values.dtype)).add(tf.scalar(off, values.dtype));
  const axis = normAxis(a.int('axis', -1), indices.rank + 1);
  if (axis === indices.rank) return y;
  const perm = Array.from({ length: indices.rank }, (_, i) => i);
  perm.splice(axis, 0, indices.rank);
  return y.transpose(perm);
}

export function topK(inputs: OpInputs, a: OpAttrs): tf.Tensor[] {
  const x = inputs[0]!;
  const k = hostNumber(inputs[1]!);
  const axis = normAxis(a.int('axis', -1), x.rank);
  const largest = a.int('largest', 1) === 1;
  const last = x.rank - 1;
  const perm = x.shape.map((_, i) => i);
  [perm[axis], perm[last]] = [perm[last]!, perm[axis]!];
  const moved = axis === last ? x : x.transpose(perm);
  const { values, indices } = tf.topk(largest ? moved : moved.neg(), k, true);
  const v = largest ? values : values.neg();
  return axis === last ? [v, indices] : [v.transpose(perm), indices.transpose(perm)];
}

export function depthToSpace(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const bs = a.int('blocksize', 1);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const c2 = c / (bs * bs);
  if (a.string('mode', 'DCR') === 'CRD') {
    return x
      .reshape([n, c2, bs, bs, h, w])
      .transpose([0, 1, 4, 2, 5, 3])
      .reshape([n, c2, h * bs, w * bs]);
  }
  return x
    .reshape([n, bs, bs, c2, h, w])
    .transpose([0, 3, 4, 1, 5, 2])
    .reshape([n, c2, h * bs, w * bs]);
}

export function spaceToDepth(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const bs = a.int('blocksize', 1);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x
    .reshape([n, c, h / bs, bs, w / bs, bs])
    .transpose([0, 3, 5, 1, 2, 4])
    .reshape([n, c * bs * bs, h / bs, w / bs]);
}

export function eyeLike(x: tf.Tensor, a: OpAttrs, dtype: 'float32' | 'int32' | 'bool'): tf.Tensor {
  const [rows, cols] = x.shape as [number, number];
  const k = a.int('k', 0);
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) if (i + k >= 0 && i + k < cols) v[i * cols + i + k] = 1;
  return tf.tensor(v, [rows, cols], 'float32').cast(dtype);
}

export function cumSum(x: tf.Tensor, axisT: tf.Tensor, a: OpAttrs): tf.Tensor {
  const axis = normAxis(hostInts(axisT)[0]!, x.rank);
  return tf.cumsum(x, axis, a.int('exclusive', 0) === 1, a.int('reverse', 0) === 1);
}
