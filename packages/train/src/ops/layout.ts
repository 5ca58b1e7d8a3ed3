// ONNX images are NCHW; TF.js convolutions and pools want NHWC. 1-D ops are lifted to 2-D with a
// unit height so one implementation serves both.
import type * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@enxuto/ir';

/** [N, C, L] -> [N, C, 1, L]; [N, C, H, W] unchanged. Throws for 3-D and higher. */
export function liftTo2d(x: tf.Tensor, op: string, node: string): tf.Tensor4D {
  if (x.rank === 4) return x as tf.Tensor4D;
  if (x.rank === 3) return x.expandDims(2) as tf.Tensor4D;
  throw new UnsupportedError(`${op} on a rank-${x.rank} input (only 1-D and 2-D spatial ops are supported)`, {
    code: 'train/unsupported-rank',
    node,
  });
}

/** Undoes liftTo2d for a result of original rank `rank`. */
export function lowerFrom2d(y: tf.Tensor4D, rank: number): tf.Tensor {
  return rank === 3 ? y.squeeze([2]) : y;
}

/** Spatial parameters of a lifted 1-D op get a leading unit entry (height 1, stride 1, no pad). */
export function lift(values: readonly number[], rank: number, fill: number): number[] {
  return rank === 3 ? [fill, ...values] : [...values];
}

/** ONNX pads [b1, b2, e1, e2] of a lifted op; 1-D pads [b, e] become [0, b, 0, e]. */
export function liftPads(pads: readonly number[] | undefined, rank: number): number[] | undefined {
  if (pads === undefined || rank !== 3) return pads === undefined ? undefined : [...pads];
  return [0, pads[0] ?? 0, 0, pads[1] ?? 0];
}

export const toNHWC = (x: tf.Tensor4D): tf.Tensor4D => x.transpose([0, 2, 3, 1]);
export const toNCHW = (x: tf.Tensor4D): tf.Tensor4D => x.transpose([0, 3, 1, 2]);

export type Explicit4 = [[number, number], [number, number], [number, number], [number, number]];

/** TF.js explicit padding for NHWC from per-axis begin/end. */
export function explicitPads(begin: readonly number[], end: readonly number[]): Explicit4 {
  return [
    [0, 0],
    [begin[0]!, end[0]!],
    [begin[1]!, end[1]!],
    [0, 0],
  ];
}
