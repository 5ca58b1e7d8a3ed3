import { describe, expect, it } from 'vitest';
import { packMatMulNBits } from './nbits.js';

describe('packMatMulNBits', () => {
  it('packs a [K=16, N=2] weight transposed, low nibble first, zero point 8', () => {
    // column 0: k (0..15) - 8 -> absmax 8 -> scale 8/7; column 1: all 0.5 -> scale 0.5/7
    const k = 16;
    const w = new Float32Array(k * 2);
    for (let r = 0; r < k; r++) {
      w[r * 2] = r - 8;
      w[r * 2 + 1] = 0.5;
    }
    const p = packMatMulNBits(w, k, 2, 16, true);
    expect(p.blocks).toBe(1);
    expect(p.zeroPoints).toBeUndefined();
    expect(p.scales[0]).toBeCloseTo(8 / 7, 6);
    expect(p.scales[1]).toBeCloseTo(0.5 / 7, 6);
    expect(p.packed.length).toBe(2 * 8);
    // column 1: every value is +7 -> code 15 -> bytes 0xff
    expect([...p.packed.subarray(8)]).toEqual(new Array(8).fill(0xff));
    // column 0: r = 0 -> -8 / (8/7) = -7 -> code 1; r = 1 -> -7 * 7/8 = -6.125 -> -6 -> code 2: byte 0 = 1 | 2 << 4
    expect(p.packed[0]).toBe(0x21);
    // r = 8 -> 0 -> code 8; r = 9 -> 0.875 -> 1 -> code 9: byte 4 = 8 | 9 << 4
    expect(p.packed[4]).toBe(0x98);
  });
  it('stores zero points when asymmetric and pads a short last block with the zero point', () => {
    const w = Float32Array.from({ length: 20 }, (_, i) => i); // K = 20, N = 1: blocks of 16 and 4
    const p = packMatMulNBits(w, 20, 1, 16, false);
    expect(p.blocks).toBe(2);
    expect(p.zeroPoints!.length).toBe(1);
    // block 0: [0, 15] -> scale 1, zp 0; block 1: [16, 19] widened to [0, 19] -> scale 19/15, zp 0
    expect(p.scales[0]).toBeCloseTo(1, 6);
    expect(p.zeroPoints![0]).toBe(0);
    expect(p.packed[0]).toBe(0x10);
    expect(p.packed[7]).toBe(0xfe);
    // block 1 codes: 16/(19/15) = 12.6 -> 13, 17 -> 13.4 -> 13, then padding = zp 0
    expect(p.packed[8]).toBe(0xdd);
    expect(p.packed[10]).toBe(0);
  });
  it('refuses block sizes onnxruntime does not support', () => {
    expect(() => packMatMulNBits(new Float32Array(16), 16, 1, 24, true)).toThrow(/power of two/);
  });
});
