// MaxPool's gradient from forward ops for the common non-overlapping case (window = stride, no
// padding): the wasm MaxPoolGrad kernel is a naive loop that costs more than the whole forward
// pass of a small conv net. Each window's gradient goes to the inputs equal to its maximum (a tie,
// rare in float data and zeroed by a preceding ReLU's gradient, shares it).
import * as tf from '@tensorflow/tfjs';
import type { Pair } from './conv-backprop.js';

/** Repeats each pixel s times along both spatial axes, then zero-pads to [h, w]. */
function spread(t: tf.Tensor4D, [sh, sw]: Pair, h: number, w: number): tf.Tensor4D {
  const [n, ho, wo, c] = t.shape;
  // A broadcast multiply (XNNPACK) rather than broadcastTo (wasm Tile is a slow loop).
  const up = t
    .reshape([n, ho, 1, wo, 1, c])
    .mul(tf.ones([1, 1, sh, 1, sw, 1]))
    .reshape([n, ho * sh, wo * sw, c]) as tf.Tensor4D;
  if (ho * sh === h && wo * sw === w) return up;
  return tf.pad(up, [
    [0, 0],
    [0, h - ho * sh],
    [0, w - wo * sw],
    [0, 0],
  ]);
}

/** True when the mask formulation applies: window = stride, no padding, whole windows only. */
export function isTiledPool(x: tf.Tensor4D, y: tf.Tensor4D, filter: Pair, strides: Pair): boolean {
  return (
    filter[0] === strides[0] &&
    filter[1] === strides[1] &&
    y.shape[1] === Math.floor(x.shape[1] / strides[0]) &&
    y.shape[2] === Math.floor(x.shape[2] / strides[1])
  );
}

/** dL/dx of y = maxPool(x) with non-overlapping windows (NHWC). */
export function tiledMaxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, strides: Pair): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const isMax = tf.equal(x, spread(y, strides, h, w));
    return tf.where(isMax, spread(dy, strides, h, w), tf.zerosLike(x)) as tf.Tensor4D;
  });
}
