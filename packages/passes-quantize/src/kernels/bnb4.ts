// bitsandbytes-style 4-bit weights (onnxruntime's com.microsoft MatMulBnb4): B [K, N] is stored
// transposed and flattened ([N * K], K fastest), cut into blocks of `blockSize` consecutive
// elements, each scaled by its absolute maximum and rounded to the nearest of 16 code values:
// NormalFloat (NF4, quantiles of a normal distribution) or FP4. Two codes per byte, the first
// element in the high nibble.

/** NF4 code values (QLoRA, Dettmers et al. 2023). */
export const NF4 = Float32Array.of(
  -1,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1,
);

/** FP4 (e2m1, bitsandbytes order) code values. */
export const FP4 = Float32Array.of(
  0,
  0.0052083333,
  0.6666666667,
  1,
  0.3333333333,
  0.5,
  0.1666666667,
  0.25,
  -0,
  -0.0052083333,
  -0.6666666667,
  -1,
  -0.3333333333,
  -0.5,
  -0.1666666667,
  -0.25,
);

export interface Bnb4Packed {
  /** [ceil(N * K / 2)] */
  packed: Uint8Array;
  /** [ceil(N * K / blockSize)] */
  absmax: Float32Array;
  mse: number;
}

function nearest(codes: Float32Array, v: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < 16; i++) {
    const d = Math.abs(codes[i]! - v);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Quantizes a row-major [K, N] weight for MatMulBnb4. quantType 1 = NF4, 0 = FP4. */
export function packBnb4(w: ArrayLike<number>, k: number, n: number, blockSize: number, quantType: 0 | 1): Bnb4Packed {
  const codes = quantType === 1 ? NF4 : FP4;
  const numel = n * k;
  const blocks = Math.ceil(numel / blockSize);
  const packed = new Uint8Array(Math.ceil(numel / 2));
  const absmax = new Float32Array(blocks);
  // Element e of the flattened transpose is W[e % k, floor(e / k)].
  const at = (e: number) => w[(e % k) * n + ((e / k) | 0)]!;
  let err = 0;
  for (let b = 0; b < blocks; b++) {
    const e0 = b * blockSize;
    const e1 = Math.min(numel, e0 + blockSize);
    let m = 0;
    for (let e = e0; e < e1; e++) m = Math.max(m, Math.abs(at(e)) || 0);
    absmax[b] = m;
    const inv = m > 0 ? 1 / m : 0;
    for (let e = e0; e < e1; e++) {
      const v = at(e);
      const q = nearest(codes, (v || 0) * inv);
      packed[e >> 1]! |= (e & 1) === 0 ? q << 4 : q;
      const d = v - codes[q]! * m;
      if (d - d === 0) err += d * d;
    }
  }
  return { packed, absmax, mse: numel ? err / numel : 0 };
}
