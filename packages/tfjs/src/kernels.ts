// Pure data kernels on constant tensors (no graph knowledge): layout changes of weights.
import { bitsOf, tensorFromBytes, type Tensor } from '@enxuto/ir';

/** Permutes the axes of a constant tensor (any dtype of whole bytes). */
export function transposeTensor(t: Tensor, perm: readonly number[]): Tensor {
  const rank = t.shape.length;
  if (perm.length !== rank) throw new TypeError(`perm of length ${perm.length} for rank ${rank}`);
  const elem = bitsOf(t.dtype) / 8;
  if (!Number.isInteger(elem) || elem < 1) throw new TypeError(`cannot transpose ${t.dtype}`);
  const outShape = perm.map((p) => t.shape[p]!);
  const src = t.bytes();
  const out = new Uint8Array(src.byteLength);
  // Whole elements as 1/2/4/8-byte words (copied to an aligned buffer when the view is not).
  const words = (b: Uint8Array) => {
    const a = b.byteOffset % elem === 0 ? b : b.slice();
    if (elem === 4) return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    if (elem === 2) return new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2);
    // BigUint64, not Float64: copying through doubles may rewrite NaN bit patterns of int64 data.
    if (elem === 8) return new BigUint64Array(a.buffer, a.byteOffset, a.byteLength / 8);
    return a;
  };
  const from = elem <= 8 && (elem & (elem - 1)) === 0 ? words(src) : undefined;
  const to = from ? words(out) : undefined;
  const inStrides = stridesOf(t.shape);
  // Step of the input offset when each output axis advances by one.
  const step = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  let i = 0;
  for (let o = 0; o < t.size; o++) {
    if (from && to) to[o] = from[i]!;
    else out.set(src.subarray(i * elem, (i + 1) * elem), o * elem);
    // Odometer over the output index, updating the input offset incrementally.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      i += step[d]!;
      if (idx[d]! < outShape[d]!) break;
      i -= step[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return tensorFromBytes(t.dtype, outShape, out);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** perm applied after perm: Transpose(Transpose(x, a), b) == Transpose(x, composePerms(a, b)). */
export function composePerms(a: readonly number[], b: readonly number[]): number[] {
  return b.map((i) => a[i]!);
}

export function isIdentityPerm(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function isPerm(perm: readonly number[]): boolean {
  const seen = new Set(perm);
  return seen.size === perm.length && perm.every((p) => Number.isInteger(p) && p >= 0 && p < perm.length);
}

/** NHWC -> NCHW and back, for rank-4 activations. */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;
