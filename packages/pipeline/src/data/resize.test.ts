import { describe, expect, it } from 'vitest';
import { hwcToChw, resizeBilinear, rgbaToFloat } from './resize.js';

describe('resizeBilinear', () => {
  it('upsamples with half-pixel centres (the PIL / tf.image convention)', () => {
    const out = resizeBilinear(Float32Array.from([0, 1]), 1, 2, 1, 1, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('downsamples 4x4 -> 2x2 to the mean of each 2x2 block', () => {
    const src = Float32Array.from({ length: 16 }, (_, i) => i);
    // Block means: (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, 10.5, 12.5.
    expect(Array.from(resizeBilinear(src, 4, 4, 1, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('keeps channels apart and copies when the size is unchanged', () => {
    const src = Float32Array.from([1, 10, 3, 30]); // 1x2, 2 channels
    expect(Array.from(resizeBilinear(src, 1, 2, 2, 1, 4))).toEqual([1, 10, 1.5, 15, 2.5, 25, 3, 30]);
    const same = resizeBilinear(src, 1, 2, 2, 1, 2);
    expect(Array.from(same)).toEqual([1, 10, 3, 30]);
    expect(same).not.toBe(src);
  });
});

describe('layout and colour helpers', () => {
  it('moves channels first', () => {
    const hwc = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1x2 pixels, 3 channels
    expect(Array.from(hwcToChw(hwc, 1, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('converts RGBA bytes to [0, 1] RGB or BT.601 grayscale, dropping alpha', () => {
    const rgba = Uint8Array.from([255, 0, 0, 7, 0, 255, 0, 7]);
    expect(Array.from(rgbaToFloat(rgba, 2, 1, 'rgb'))).toEqual([1, 0, 0, 0, 1, 0]);
    const gray = rgbaToFloat(rgba, 2, 1, 'grayscale');
    expect(gray[0]).toBeCloseTo(0.299, 6);
    expect(gray[1]).toBeCloseTo(0.587, 6);
  });
});
