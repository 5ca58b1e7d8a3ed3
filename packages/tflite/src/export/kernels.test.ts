// The pure numeric pieces of the export: layouts, window padding, weight permutation/quantization.
import { describe, expect, it } from 'vitest';
import { NHWC, transposeIsReshape, transposePerm } from './layout.js';
import { onnxWindow, samePads, tflitePadding } from './spatial.js';
import { nhwcFlattenPerm, permuteData, quantizeBias, quantizeSymmetricPerAxis } from './weights.js';

describe('export kernels', () => {
  it('layout permutations: NHWC -> NCHW is [0, 3, 1, 2]; moving size-1 dims is a reshape', () => {
    expect(transposePerm(NHWC, [0, 1, 2, 3])).toEqual([0, 3, 1, 2]);
    expect(transposePerm([0, 1, 2, 3], NHWC)).toEqual([0, 2, 3, 1]);
    expect(transposeIsReshape([1, 1, 28, 28], [0, 2, 3, 1])).toBe(true);
    expect(transposeIsReshape([1, 3, 28, 28], [0, 2, 3, 1])).toBe(false);
  });

  it('permuteData transposes row-major data', () => {
    // [2, 3] -> [3, 2]
    expect(Array.from(permuteData(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    // OIHW [1, 2, 1, 2] -> OHWI [1, 1, 2, 2]: channel becomes the fastest dim.
    expect(Array.from(permuteData(Int8Array.of(1, 2, 3, 4), [1, 2, 1, 2], [0, 2, 3, 1]))).toEqual([1, 3, 2, 4]);
  });

  it('nhwcFlattenPerm maps NHWC flatten order to NCHW flatten order', () => {
    // C=2, H=1, W=2: NHWC order (w0c0, w0c1, w1c0, w1c1) = NCHW indices (0, 2, 1, 3).
    expect(Array.from(nhwcFlattenPerm(2, 1, 2))).toEqual([0, 2, 1, 3]);
  });

  it('symmetric per-channel int8: scale = max|w| / 127, zero channels get scale 1; bias at s_x * s_w', () => {
    const q = quantizeSymmetricPerAxis(Float32Array.of(1.27, -0.635, 0, 0), [2, 2], 0);
    expect(Array.from(q.scale)).toEqual([Math.fround(0.01), 1]);
    expect(Array.from(q.data)).toEqual([127, -64, 0, 0]);
    const b = quantizeBias(Float32Array.of(0.5, -1), 0.5, Float32Array.of(0.01, 0.1));
    expect(Array.from(b.data)).toEqual([100, -20]);
  });

  it('ONNX pads vs TFLite SAME / VALID', () => {
    expect(samePads(28, 5, 1, 1)).toEqual([2, 2]);
    expect(samePads(5, 2, 2, 1)).toEqual([0, 1]);
    const same = onnxWindow([28, 28], [5, 5], [1, 1], [1, 1], 'SAME_UPPER', [], false);
    expect(tflitePadding([28, 28], same)).toEqual({ padding: 'SAME' });
    const valid = onnxWindow([28, 28], [2, 2], [2, 2], [1, 1], 'NOTSET', [0, 0, 0, 0], false);
    expect(tflitePadding([28, 28], valid)).toEqual({ padding: 'VALID' });
    const lower = onnxWindow([5, 5], [2, 2], [2, 2], [1, 1], 'SAME_LOWER', [], false);
    expect(tflitePadding([5, 5], lower)).toEqual({ padding: 'VALID', explicit: [1, 1, 0, 0] });
  });
});
