import { describe, expect, it } from 'vitest';
import { imageToTensor, parseNumberList } from './image-tensor.js';

// Two pixels: pure red and white.
const RGBA = [255, 0, 0, 255, 255, 255, 255, 255];

describe('imageToTensor', () => {
  it('writes planar NCHW with mean/std per channel', () => {
    const t = imageToTensor(RGBA, 2, 1, { layout: 'NCHW', channels: 3, norm: { range: 1, mean: [0.5, 0, 0], std: [0.5, 1, 2] } });
    expect([...t]).toEqual([1, 1, 0, 1, 0, 0.5]);
  });

  it('writes interleaved NHWC in the 0..255 range', () => {
    const t = imageToTensor(RGBA, 2, 1, { layout: 'NHWC', channels: 3, norm: { range: 255, mean: [0], std: [1] } });
    expect([...t]).toEqual([255, 0, 0, 255, 255, 255]);
  });

  it('converts to grey with luma weights for one-channel models', () => {
    const t = imageToTensor(RGBA, 2, 1, { layout: 'NCHW', channels: 1, norm: { range: 1, mean: [0], std: [1] } });
    expect(t[0]).toBeCloseTo(0.299, 6);
    expect(t[1]).toBeCloseTo(1, 6);
  });
});

describe('parseNumberList', () => {
  it('reads comma or space separated numbers and rejects junk', () => {
    expect(parseNumberList('0.485, 0.456 0.406')).toEqual([0.485, 0.456, 0.406]);
    expect(parseNumberList('1, x')).toBeNull();
    expect(parseNumberList('')).toBeNull();
    expect(parseNumberList('1 2 3 4 5')).toBeNull();
  });
});
