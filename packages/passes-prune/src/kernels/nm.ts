// N:M semi-structured sparsity: in every group of M consecutive weights along the input axis,
// keep the N with the highest score (2:4 is what sparse tensor cores accelerate).
import { sortedOrder } from './masks.js';

/**
 * Mask for `scores` laid out as `shape` (row-major): groups of `m` consecutive entries along
 * `axis`, for every position of the other axes, keep `n`. A last group shorter than `m` keeps
 * min(n, its length).
 */
export function nmMask(
  scores: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  n: number,
  m: number,
): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (scores.length !== size) throw new RangeError(`nmMask: ${scores.length} scores for shape [${shape.join(',')}]`);
  if (axis < 0 || axis >= shape.length) throw new RangeError(`nmMask: axis ${axis} outside rank ${shape.length}`);
  if (!(Number.isInteger(n) && Number.isInteger(m) && n >= 0 && m >= 1 && n <= m))
    throw new RangeError(`nmMask: bad pattern ${n}:${m}`);
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = size / (len * inner);
  const mask = new Uint8Array(size);
  const group = new Float64Array(m);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * len * inner + r;
      for (let start = 0; start < len; start += m) {
        const g = Math.min(m, len - start);
        for (let j = 0; j < g; j++) group[j] = -scores[base + (start + j) * inner]!; // highest first
        const order = sortedOrder(group.subarray(0, g));
        for (let j = 0; j < Math.min(n, g); j++) mask[base + (start + order[j]!) * inner] = 1;
      }
    }
  }
  return mask;
}

/** True when every group along `axis` keeps at most `n` non-zeros of `m`. */
export function satisfiesNm(
  values: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  n: number,
  m: number,
): boolean {
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (len * inner);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      for (let start = 0; start < len; start += m) {
        let nz = 0;
        for (let j = start; j < Math.min(len, start + m); j++) if (values[o * len * inner + j * inner + r] !== 0) nz++;
        if (nz > n) return false;
      }
    }
  }
  return true;
}
