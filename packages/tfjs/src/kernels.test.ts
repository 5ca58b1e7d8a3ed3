import { float32Tensor, int64Tensor, tensorFromValues } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { composePerms, inversePerm, isPerm, NCHW_TO_NHWC, NHWC_TO_NCHW, transposeTensor } from './kernels.js';

describe('layout kernels', () => {
  it('transposes a constant', () => {
    const t = transposeTensor(float32Tensor([2, 3], [1, 2, 3, 4, 5, 6]), [1, 0]);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.toFloat32())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('HWIO -> OIHW moves each filter tap to its ONNX place', () => {
    // [H=1, W=2, I=1, O=2]: value = 10*w + o
    const hwio = float32Tensor([1, 2, 1, 2], [0, 1, 10, 11]);
    const oihw = transposeTensor(hwio, [3, 2, 0, 1]);
    expect(oihw.shape).toEqual([2, 1, 1, 2]);
    expect(Array.from(oihw.toFloat32())).toEqual([0, 10, 1, 11]);
  });

  it('composes and inverts permutations', () => {
    expect(composePerms(NHWC_TO_NCHW, NCHW_TO_NHWC)).toEqual([0, 1, 2, 3]);
    expect(inversePerm(NHWC_TO_NCHW)).toEqual([...NCHW_TO_NHWC]);
    expect(composePerms([1, 2, 0], [1, 2, 0])).toEqual([2, 0, 1]);
    expect(isPerm([0, 2, 1])).toBe(true);
    expect(isPerm([0, 0, 1])).toBe(false);
  });
});

describe('transposeTensor keeps every bit', () => {
  it('int64 values whose bits look like NaN, and 2-byte elements', () => {
    const t = transposeTensor(int64Tensor([2, 2], [-1n, -2n, 9221120237041090561n, 3n]), [1, 0]);
    expect(Array.from(t.values() as BigInt64Array)).toEqual([-1n, 9221120237041090561n, -2n, 3n]);
    const h = transposeTensor(tensorFromValues('int16', [2, 3], [1, 2, 3, 4, 5, 6]), [1, 0]);
    expect(Array.from(h.values() as Int16Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
