// Packing 4-bit weights for onnxruntime's com.microsoft MatMulNBits: B [K, N] is stored
// transposed as [N, blocks, blockSize / 2] bytes (low nibble first), with one scale per
// (column, block) and, when asymmetric, packed uint4 zero points [N, ceil(blocks / 2)].
import { roundHalfEven, safeScale } from './params.js';

export interface NBitsPacked {
  packed: Uint8Array;
  scales: Float32Array;
  /** Present for asymmetric quantization. */
  zeroPoints: Uint8Array | undefined;
  blocks: number;
  mse: number;
}

export function packMatMulNBits(
  w: ArrayLike<number>,
  k: number,
  n: number,
  blockSize: number,
  symmetric: boolean,
): NBitsPacked {
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new RangeError(`MatMulNBits block size must be a power of two >= 16, got ${blockSize}`);
  }
  const blocks = Math.ceil(k / blockSize);
  const half = blockSize / 2;
  const packed = new Uint8Array(n * blocks * half);
  const scales = new Float32Array(n * blocks);
  const zpPerCol = Math.ceil(blocks / 2);
  const zeroPoints = symmetric ? undefined : new Uint8Array(n * zpPerCol);
  let err = 0;
  let count = 0;
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(k, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let r = k0; r < k1; r++) {
        const v = w[r * n + col]!;
        if (v - v !== 0) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale: number;
      let zp: number;
      if (symmetric) {
        // Default zero point of MatMulNBits is 8: codes 1..15 stand for -7..7.
        scale = safeScale(Math.max(-lo, hi) / 7);
        if (lo === 0 && hi === 0) scale = 1;
        zp = 8;
      } else {
        scale = hi === lo ? 1 : safeScale((hi - lo) / 15);
        zp = Math.min(15, Math.max(0, roundHalfEven(-lo / scale)));
        zeroPoints![col * zpPerCol + (b >> 1)]! |= zp << ((b & 1) * 4);
      }
      scales[col * blocks + b] = scale;
      const s = Math.fround(scale);
      const base = (col * blocks + b) * half;
      for (let j = 0; j < blockSize; j++) {
        const r = k0 + j;
        let q = zp;
        if (r < k1) {
          const v = w[r * n + col]!;
          q = v - v !== 0 ? zp : roundHalfEven(Math.fround(v / s)) + zp;
          q = q < 0 ? 0 : q > 15 ? 15 : q;
          const d = v - (q - zp) * s;
          if (d - d === 0) {
            err += d * d;
            count++;
          }
        }
        packed[base + (j >> 1)]! |= q << ((j & 1) * 4);
      }
    }
  }
  return { packed, scales, zeroPoints, blocks, mse: count ? err / count : 0 };
}
