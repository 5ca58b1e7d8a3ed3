// Packing group-quantized weights for onnxruntime's com.microsoft MatMulNBits (and the same rows
// for GatherBlockQuantized): B [K, N] is stored transposed as [N, blocks, blockSize * bits / 8]
// bytes (low bits first), one scale per (column, block), and, when asymmetric, zero points packed
// the same way, [N, ceil(blocks * bits / 8)]. onnxruntime runs 2, 4 and 8 bits; other widths are
// stored in the next of those ("container"), e.g. a 3-bit grid in 4-bit codes.
import type { GroupQuantized } from './nbits-grid.js';

export interface NBitsPacked {
  /** [N, blocks, blockSize * containerBits / 8]. */
  packed: Uint8Array;
  /** [N, blocks]. */
  scales: Float32Array;
  /** Present when asymmetric: [N, ceil(blocks * containerBits / 8)]. */
  zeroPoints: Uint8Array | undefined;
  blocks: number;
  /** Bits per stored code (2, 4 or 8). */
  bits: number;
}

/** The code width onnxruntime stores a `bits`-bit grid in. */
export function containerBits(bits: number): number {
  if (bits <= 2) return 2;
  if (bits <= 4) return 4;
  return 8;
}

export function checkNBitsBlock(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new RangeError(`MatMulNBits block size must be a power of two >= 16, got ${blockSize}`);
  }
}

/** Packs codes [N, K] (with group size = `blockSize`) for MatMulNBits. */
export function packNBits(
  q: GroupQuantized,
  k: number,
  n: number,
  bits: number,
  blockSize: number,
  symmetric: boolean,
): NBitsPacked {
  checkNBitsBlock(blockSize);
  const cb = containerBits(bits);
  const blocks = Math.ceil(k / blockSize);
  if (q.groups !== blocks) throw new RangeError(`codes have ${q.groups} groups per column, expected ${blocks}`);
  const perByte = 8 / cb;
  const perByteLog = Math.log2(perByte);
  const blockBytes = blockSize / perByte;
  const packed = new Uint8Array(n * blocks * blockBytes);
  // Symmetric codes are centred on the container's implicit zero point 2^(cb-1).
  const shift = symmetric ? (1 << (cb - 1)) - (1 << (bits - 1)) : 0;
  const zpBytes = Math.ceil(blocks / perByte);
  const zeroPoints = symmetric ? undefined : new Uint8Array(n * zpBytes);
  for (let c = 0; c < n; c++) {
    for (let b = 0; b < blocks; b++) {
      const zero = q.zeros[c * blocks + b]! + shift;
      if (zeroPoints) zeroPoints[c * zpBytes + ((b / perByte) | 0)]! |= zero << ((b % perByte) * cb);
      const base = (c * blocks + b) * blockBytes;
      const from = c * k + b * blockSize;
      // Padding past K dequantizes to 0.
      const full = Math.min(blockSize, k - b * blockSize);
      for (let j = 0; j < blockSize; j++) {
        const code = j < full ? q.codes[from + j]! + shift : zero;
        packed[base + (j >> perByteLog)]! |= code << ((j & (perByte - 1)) * cb);
      }
    }
  }
  return { packed, scales: q.scales, zeroPoints, blocks, bits: cb };
}
