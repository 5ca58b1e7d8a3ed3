import { describe, expect, it } from 'vitest';
import { nmMask, satisfiesNm } from './nm.js';

describe('N:M masks', () => {
  it('keeps the 2 largest of every 4 along the last axis', () => {
    const s = [1, 4, 2, 3, /* */ 8, 5, 7, 6];
    expect([...nmMask(s, [1, 8], 1, 2, 4)]).toEqual([0, 1, 0, 1, 1, 0, 1, 0]);
  });

  it('groups along a non-contiguous axis (Gemm weight [K, N], input axis 0)', () => {
    // shape [4, 2]: column 0 = 1,2,3,4 ; column 1 = 9,1,8,2
    const s = [1, 9, 2, 1, 3, 8, 4, 2];
    const m = nmMask(s, [4, 2], 0, 2, 4);
    expect([...m]).toEqual([0, 1, 0, 0, 1, 1, 1, 0]);
    expect(
      satisfiesNm(
        Float32Array.from(s, (v, i) => v * m[i]!),
        [4, 2],
        0,
        2,
        4,
      ),
    ).toBe(true);
  });

  it('handles 1:4 on conv input channels and a short last group', () => {
    // Conv [1, 6, 1, 1]: groups {0..3} and {4,5}
    const s = [0.1, 0.9, 0.3, 0.2, 0.5, 0.6];
    expect([...nmMask(s, [1, 6, 1, 1], 1, 1, 4)]).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('detects a violated pattern', () => {
    expect(satisfiesNm([1, 1, 1, 0], [4], 0, 2, 4)).toBe(false);
    expect(satisfiesNm([1, 0, 1, 0], [4], 0, 2, 4)).toBe(true);
  });

  it('rejects n > m', () => {
    expect(() => nmMask([1, 2], [2], 0, 3, 2)).toThrow(/bad pattern/);
  });
});
