import { describe, expect, it } from 'vitest';
import { imageToTensor, parseNumberList } from './image-tensor.js';
import type { ModelKind } from './model-kind.js';

// Two pixels: pure red and white.
const RGBA = new Uint8Array([255, 0, 0, 255, 255, 255, 255, 255]);
const kind = (layout: 'NCHW' | 'NHWC', channels: 1 | 3): Extract<ModelKind, { kind: 'image' }> => ({
  kind: 'image',
  input: 'x',
  layout,
  channels,
  height: 1,
  width: 2,
});

describe('imageToTensor', () => {
  it('writes planar NCHW with mean/std per channel', () => {
    const t = imageToTensor(RGBA, kind('NCHW', 3), { range: 1, mean: [0.5, 0, 0], std: [0.5, 1, 2] });
    expect([...t]).toEqual([1, 1, 0, 1, 0, 0.5]);
  });

  it('writes interleaved NHWC in the 0..255 range', () => {
    const t = imageToTensor(RGBA, kind('NHWC', 3), { range: 255, mean: [0], std: [1] });
    expect([...t]).toEqual([255, 0, 0, 255, 255, 255]);
  });

  it('converts to grey with luma weights for one-channel models', () => {
    const t = imageToTensor(RGBA, kind('NCHW', 1), { range: 1, mean: [0], std: [1] });
    expect(t[0]).toBeCloseTo(0.299, 6);
    expect(t[1]).toBeCloseTo(1, 6);
  });

  it('refuses a zero std and a mean list that does not fit the channels', () => {
    expect(() => imageToTensor(RGBA, kind('NCHW', 3), { range: 1, mean: [0], std: [0] })).toThrow(
      expect.objectContaining({ code: 'data/zero-std' }),
    );
    expect(() => imageToTensor(RGBA, kind('NCHW', 3), { range: 1, mean: [0, 0], std: [1] })).toThrow(
      expect.objectContaining({ code: 'data/bad-channels' }),
    );
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
