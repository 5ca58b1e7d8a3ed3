// Convolution gradients written with forward ops only (conv2d, depthwiseConv2d, pad, slice,
// reshape, transpose), because the wasm backend has no Conv2DBackpropFilter or depthwise backprop
// kernels. All tensors are NHWC; filters are [kh, kw, in, out] (depthwise: [kh, kw, C, M]).
import * as tf from '@tensorflow/tfjs';

export interface Pads2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
export type Pair = [number, number];

/** Spreads a filter's taps `d` apart (zeros between), so a dilated conv becomes a plain one. */
export function dilateFilter(w: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  if (dh === 1 && dw === 1) return w;
  const [kh, kw, a, b] = w.shape;
  // [kh,1,kw,1,a,b] padded to [kh,dh,kw,dw,a,b] then flattened puts d-1 zeros after each tap.
  const spread = tf
    .pad(w.reshape([kh, 1, kw, 1, a * b]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ])
    .reshape([kh * dh, kw * dw, a, b]) as tf.Tensor4D;
  return spread.slice([0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]);
}

/** Inserts s-1 zeros between neighbouring pixels (the adjoint of a strided read). */
export function upsampleWithZeros(x: tf.Tensor4D, [sh, sw]: Pair): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf
    .pad(x.reshape([n * h, 1, w, 1, c]), [
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([n, h * sh, w * sw, c]) as tf.Tensor4D;
  return spread.slice([0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Crops (negative amounts) and zero-pads (positive amounts) the two spatial axes. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const cropped = x.slice(
    [0, Math.max(0, -top), Math.max(0, -left), 0],
    [n, h - Math.max(0, -top) - Math.max(0, -bottom), w - Math.max(0, -left) - Math.max(0, -right), c],
  );
  const p = [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)] as const;
  if (p.every((v) => v === 0)) return cropped;
  return tf.pad(cropped, [
    [0, 0],
    [p[0], p[1]],
    [p[2], p[3]],
    [0, 0],
  ]);
}

/** Keeps rows/cols 0, d, 2d, ... of the first `k` taps of an effective (dilated) kernel. */
function takeTaps(g: tf.Tensor4D, [kh, kw]: Pair, [dh, dw]: Pair): tf.Tensor4D {
  const khe = (kh - 1) * dh + 1;
  const kwe = (kw - 1) * dw + 1;
  const [a, , , b] = g.shape;
  const head = g.slice([0, 0, 0, 0], [a, khe, kwe, b]);
  if (dh === 1 && dw === 1) return head;
  return tf.stridedSlice(head, [0, 0, 0, 0], [a, khe, kwe, b], [1, dh, dw, 1]) as tf.Tensor4D;
}

/**
 * dL/dW of y = conv2d(x, W). The filter gradient is itself a convolution: of the input with its
 * batch and channel axes swapped, by dy used as the kernel (dilated by the forward stride).
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  pads: Pads2D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const xp = tf.pad(x, [
      [0, 0],
      [pads.top, Math.max(0, pads.bottom)],
      [pads.left, Math.max(0, pads.right)],
      [0, 0],
    ]);
    const xT = xp.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Ci, Hp, Wp, N]
    const k = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    const g = tf.conv2d(xT, k, 1, 'valid', 'NHWC', strides); // [Ci, >=khe, >=kwe, Co]
    return takeTaps(g, [kh, kw], dilations).transpose([1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dL/dx of y = conv2d(x, W), written as a forward convolution (XNNPACK) rather than TF.js's
 * transposed convolution, which the wasm backend runs as a naive loop 10x slower than the
 * forward pass: dy spread by the stride, padded to "full", correlated with the spatially flipped
 * filter whose in/out channels are swapped.
 */
export function conv2dInputGrad(
  xShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  dilations: Pair,
  pads: Pads2D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xShape;
    const wd = dilateFilter(filter, dilations);
    const [khe, kwe] = wd.shape;
    const up = upsampleWithZeros(dy, strides);
    const [, hu, wu] = up.shape;
    // Output row i reads spread rows i - (khe - 1 - top) ... i + top: pad (or crop) to that.
    const top = khe - 1 - pads.top;
    const left = kwe - 1 - pads.left;
    const full = padOrCrop(up, top, h + khe - 1 - top - hu, left, w + kwe - 1 - left - wu);
    const flipped = tf.reverse(wd, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(full, flipped, 1, 'valid');
  });
}

/** dL/dW of y = depthwiseConv2d(x, W), W: [kh, kw, C, M]. */
export function depthwiseFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  pads: Pads2D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape;
    const [n, ho, wo] = dy.shape;
    const xp = tf.pad(x, [
      [0, 0],
      [pads.top, Math.max(0, pads.bottom)],
      [pads.left, Math.max(0, pads.right)],
      [0, 0],
    ]);
    const [, hp, wp] = xp.shape;
    // Each (image, channel) pair becomes one depthwise channel, its dy slice the kernel.
    const xT = xp.transpose([1, 2, 0, 3]).reshape([1, hp, wp, n * c]) as tf.Tensor4D;
    const k = dy
      .reshape([n, ho, wo, c, m])
      .transpose([1, 2, 0, 3, 4])
      .reshape([ho, wo, n * c, m]) as tf.Tensor4D;
    const g = tf.depthwiseConv2d(xT, k, 1, 'valid', 'NHWC', strides); // [1, Hr, Wr, n*c*m]
    const [, hr, wr] = g.shape;
    const perImage = g.reshape([hr, wr, n, c * m]).sum(2) as tf.Tensor3D; // [Hr, Wr, c*m]
    const taps = takeTaps(perImage.expandDims(0) as tf.Tensor4D, [kh, kw], dilations); // [1,kh,kw,c*m]
    return taps.reshape([kh, kw, c, m]) as tf.Tensor4D;
  });
}

/** dL/dx of y = depthwiseConv2d(x, W): zero-upsampled dy convolved with the flipped filter. */
export function depthwiseInputGrad(
  xShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  dilations: Pair,
  pads: Pads2D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = xShape;
    const wd = dilateFilter(filter, dilations);
    const [khe, kwe, , m] = wd.shape;
    const up = upsampleWithZeros(dy, strides); // [N, Hu, Wu, C*M]
    const full = tf.pad(up, [
      [0, 0],
      [khe - 1, khe - 1],
      [kwe - 1, kwe - 1],
      [0, 0],
    ]);
    const flipped = tf.reverse(wd, [0, 1]).reshape([khe, kwe, c * m, 1]) as tf.Tensor4D;
    const g = tf.depthwiseConv2d(full, flipped, 1, 'valid'); // [N, L, L', C*M] in padded coords
    const [, lh, lw] = g.shape;
    const summed = g.reshape([n, lh, lw, c, m]).sum(4) as tf.Tensor4D;
    // Padded coordinate p maps to input row p - top; rows past the input get no gradient.
    return padOrCrop(summed, -pads.top, h - (lh - pads.top), -pads.left, w - (lw - pads.left));
  });
}
