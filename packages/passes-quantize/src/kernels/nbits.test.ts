import { describe, expect, it } from 'vitest';
import { packNBits } from './nbits.js';
import { quantizeGroupwise } from './nbits-grid.js';

describe('packNBits', () => {
  it('4-bit symmetric: codes transposed to [N, blocks, 8 bytes], low nibble first, no zero points', () => {
    const k = 16;
    const w = new Float32Array(k * 2);
    for (let r = 0; r < k; r++) {
      w[r * 2] = r - 8; // extreme -8 -> scale 1, code = value + 8 = r
      w[r * 2 + 1] = 0.5; // extreme +0.5 -> scale -1/16: code 0 for every entry
    }
    const q = quantizeGroupwise(w, k, 2, { bits: 4, symmetric: true, groupSize: 16, minClip: 1 });
    const p = packNBits(q, k, 2, 4, 16, true);
    expect(p.blocks).toBe(1);
    expect(p.zeroPoints).toBeUndefined();
    expect([...p.scales]).toEqual([1, -0.0625]);
    expect([...p.packed.subarray(0, 8)]).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect([...p.packed.subarray(8)]).toEqual(new Array(8).fill(0));
  });
  it('3-bit symmetric codes sit in 4-bit containers around zero point 8', () => {
    const w = Float32Array.from({ length: 16 }, (_, r) => (r % 8) - 4); // [-4, 3]: scale 1
    const q = quantizeGroupwise(w, 16, 1, { bits: 3, symmetric: true, groupSize: 16, minClip: 1 });
    const p = packNBits(q, 16, 1, 3, 16, true);
    expect(p.bits).toBe(4);
    // value v -> 3-bit code v + 4 -> container code v + 8
    expect(p.packed[0]).toBe(4 | (5 << 4));
  });
  it('2-bit and 8-bit asymmetric: zero points packed per column, a short last block padded with its zero point', () => {
    const k = 20; // blocks of 16 and 4
    const w = Float32Array.from({ length: k }, (_, i) => i - 5);
    for (const bits of [2, 8]) {
      const q = quantizeGroupwise(w, k, 1, { bits, symmetric: false, groupSize: 16, minClip: 1 });
      const p = packNBits(q, k, 1, bits, 16, false);
      expect(p.packed.length).toBe((2 * 16 * bits) / 8);
      const z1 = q.zeros[1]!;
      if (bits === 8) {
        expect([...p.zeroPoints!]).toEqual([q.zeros[0]!, z1]);
        expect(p.packed[16 + 4]).toBe(z1); // padding
      } else {
        expect(p.zeroPoints!.length).toBe(1);
        expect(p.zeroPoints![0]).toBe(q.zeros[0]! | (z1 << 2));
        expect(p.packed[4 + 1]).toBe(z1 | (z1 << 2) | (z1 << 4) | (z1 << 6)); // bytes 5..7 of block 1 are padding
      }
    }
  });
  it('refuses block sizes onnxruntime does not support', () => {
    const q = quantizeGroupwise(new Float32Array(24), 24, 1, { bits: 4, symmetric: true, groupSize: 24, minClip: 1 });
    expect(() => packNBits(q, 24, 1, 4, 24, true)).toThrow(/power of two/);
  });
});
