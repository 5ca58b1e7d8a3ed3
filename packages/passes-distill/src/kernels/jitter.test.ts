import { describe, expect, it } from 'vitest';
import { imageLayoutOf, jitterBatch, shiftImage } from './jitter.js';
import { seededRandom } from '@enxuto/train';

describe('jitter', () => {
  it('reads image layouts from sample shapes', () => {
    expect(imageLayoutOf([784])).toEqual({ channels: 1, height: 28, width: 28 });
    expect(imageLayoutOf([3, 4, 5])).toEqual({ channels: 3, height: 4, width: 5 });
    expect(imageLayoutOf([10])).toBeUndefined();
  });

  it('shifts by whole pixels and fills with zeros', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = new Float32Array(9);
    shiftImage(src, out, { channels: 1, height: 3, width: 3 }, 1, -1);
    expect([...out]).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
  });

  it('keeps pixel mass within a shifted image and is seeded', () => {
    const layout = { channels: 1, height: 8, width: 8 };
    const batch = new Float32Array(2 * 64);
    batch[2 * 8 + 3] = 1; // image 0: one pixel well inside
    batch[64 + 4 * 8 + 4] = 2;
    const a = jitterBatch(batch, 2, layout, 2, seededRandom(5));
    const b = jitterBatch(batch, 2, layout, 2, seededRandom(5));
    expect([...a]).toEqual([...b]);
    expect(a.subarray(0, 64).reduce((s, x) => s + x, 0)).toBe(1);
    expect(a.subarray(64).reduce((s, x) => s + x, 0)).toBe(2);
  });
});
