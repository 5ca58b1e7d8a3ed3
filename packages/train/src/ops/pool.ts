// ONNX MaxPool / AveragePool (1-D and 2-D): explicit and auto pads, ceil_mode, dilations,
// count_include_pad. Padding is applied explicitly (TF.js pools only know 'same'/'valid').
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { windowGeometry, type WindowGeometry } from './padding.js';
import { lift, liftPads, liftTo2d, lowerFrom2d, toNCHW, toNHWC } from './layout.js';

type Pair = [number, number];

interface PoolSetup {
  x: tf.Tensor4D; // NHWC
  rank: number;
  kernel: Pair;
  strides: Pair;
  dilations: Pair;
  geo: WindowGeometry;
}

function setup(x0: tf.Tensor, a: OpAttrs, op: string, node: string): PoolSetup {
  const rank = x0.rank;
  const x = liftTo2d(x0, op, node);
  const spatial = rank - 2;
  const kernelAttr = a.ints('kernel_shape');
  if (kernelAttr === undefined || kernelAttr.length !== spatial) {
    throw new UnsupportedError(`${op} needs kernel_shape with ${spatial} entries`, {
      code: 'train/bad-kernel-shape',
      node,
      field: 'kernel_shape',
    });
  }
  const ones = kernelAttr.map(() => 1);
  const kernel = lift(kernelAttr, rank, 1);
  const strides = lift(a.ints('strides', ones), rank, 1);
  const dilations = lift(a.ints('dilations', ones), rank, 1);
  const geo = windowGeometry({
    input: [x.shape[2], x.shape[3]],
    kernel,
    strides,
    dilations,
    autoPad: a.string('auto_pad', 'NOTSET'),
    pads: liftPads(a.ints('pads'), rank),
    ceilMode: a.int('ceil_mode', 0) === 1,
    node,
  });
  return {
    x: toNHWC(x),
    rank,
    kernel: [kernel[0]!, kernel[1]!],
    strides: [strides[0]!, strides[1]!],
    dilations: [dilations[0]!, dilations[1]!],
    geo,
  };
}

function padSpatial(x: tf.Tensor4D, geo: WindowGeometry, value: number, withExtra = true): tf.Tensor4D {
  const e = (i: number) => geo.end[i]! + (withExtra ? geo.extra[i]! : 0);
  if (geo.begin.every((v) => v === 0) && [0, 1].every((i) => e(i) === 0)) return x;
  return tf.pad(
    x,
    [
      [0, 0],
      [geo.begin[0]!, e(0)],
      [geo.begin[1]!, e(1)],
      [0, 0],
    ],
    value,
  );
}

function window(x: tf.Tensor4D, s: PoolSetup, type: 'max' | 'avg', node: string): tf.Tensor4D {
  const dilated = s.dilations[0] > 1 || s.dilations[1] > 1;
  if (!dilated) {
    return type === 'max' ? tf.maxPool(x, s.kernel, s.strides, 'valid') : tf.avgPool(x, s.kernel, s.strides, 'valid');
  }
  if (s.strides[0] > 1 || s.strides[1] > 1) {
    throw new UnsupportedError('pooling with both strides and dilations above 1', {
      code: 'train/pool-dilation',
      node,
    });
  }
  return tf.pool(x, s.kernel, type, 'valid', s.dilations, 1);
}

export function maxPool(x0: tf.Tensor, a: OpAttrs, node: string): tf.Tensor {
  const s = setup(x0, a, 'MaxPool', node);
  const isFloat = x0.dtype === 'float32';
  const x = isFloat ? s.x : s.x.toFloat();
  const y = window(padSpatial(x, s.geo, -Infinity), s, 'max', node);
  const out = lowerFrom2d(toNCHW(y), s.rank);
  return isFloat ? out : out.cast(x0.dtype);
}

export function averagePool(x0: tf.Tensor, a: OpAttrs, node: string): tf.Tensor {
  const s = setup(x0, a, 'AveragePool', node);
  const includePad = a.int('count_include_pad', 0) === 1;
  const padded = padSpatial(s.x, s.geo, 0);
  let y = window(padded, s, 'avg', node);
  if (padded !== s.x) {
    // Divide by the cells that count rather than the window size: the input, plus the explicit
    // pads when count_include_pad; never ceil_mode's overhang.
    const [, h, w] = s.x.shape;
    const counted = padSpatial(tf.ones([1, h, w, 1]), s.geo, includePad ? 1 : 0, false);
    const mask = padSpatial(counted, { ...s.geo, begin: [0, 0], end: [0, 0] }, 0);
    y = y.div(window(mask, s, 'avg', node));
  }
  return lowerFrom2d(toNCHW(y), s.rank);
}

export function globalPool(x: tf.Tensor, type: 'max' | 'avg'): tf.Tensor {
  const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  return type === 'max' ? x.max(axes, true) : x.mean(axes, true);
}
