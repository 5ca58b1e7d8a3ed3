// Block-wise parameters (int4 weights): one scale per `blockSize` run along an axis.
import { axisLayout } from './range.js';
import { scaleZeroPoints, type AxisParams, type QuantSpec } from './params.js';

/** Finite min/max per block; layout `shape` with dim `axis` = ceil(dim / blockSize). */
export function blockRanges(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  blockSize: number,
): { min: Float64Array; max: Float64Array; blocks: number } {
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new RangeError(`block size must be a positive integer, got ${blockSize}`);
  const { outer, channels, inner } = axisLayout(shape, axis);
  const blocks = Math.ceil(channels / blockSize);
  const n = outer * blocks * inner;
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const b = (o * blocks + ((c / blockSize) | 0)) * inner;
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[base + i]!;
        if (v - v !== 0) continue;
        if (v < min[b + i]!) min[b + i] = v;
        if (v > max[b + i]!) max[b + i] = v;
      }
    }
  }
  for (let k = 0; k < n; k++) if (min[k]! > max[k]!) min[k] = max[k] = 0;
  return { min, max, blocks };
}

export function blockwiseParams(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  blockSize: number,
  spec: QuantSpec,
): AxisParams & { blocks: number } {
  const { min, max, blocks } = blockRanges(x, shape, axis, blockSize);
  return { ...scaleZeroPoints(min, max, spec), blocks };
}
