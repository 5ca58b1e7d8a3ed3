import { describe, expect, it } from 'vitest';
import { finiteRange, finiteRangePerAxis } from './range.js';
import { perAxisParams, quantRange, roundHalfEven, safeScale, scaleZeroPoint, SCALE_LIMITS } from './params.js';
import { dequantizeValues } from '@enxuto/ir';
import { quantizeBlockwise, quantizePerAxis, quantizePerTensor } from './quantize.js';
import { blockwiseParams } from './blockwise.js';

describe('ranges', () => {
  it('ignores NaN and Inf', () => {
    expect(finiteRange([1, NaN, -2, Infinity, 3, -Infinity])).toEqual({ min: -2, max: 3 });
    expect(finiteRange([NaN, Infinity])).toEqual({ min: 0, max: 0 });
  });
  it('per axis, including an all-zero channel', () => {
    // shape [2, 3]: axis 0 rows, axis 1 columns
    const x = [1, -2, 0, 4, NaN, 0];
    const r0 = finiteRangePerAxis(x, [2, 3], 0);
    expect([...r0.min]).toEqual([-2, 0]);
    expect([...r0.max]).toEqual([1, 4]);
    const r1 = finiteRangePerAxis(x, [2, 3], 1);
    expect([...r1.min]).toEqual([1, -2, 0]);
    expect([...r1.max]).toEqual([4, -2, 0]);
  });
});

describe('scale and zero point', () => {
  it('integer ranges', () => {
    expect(quantRange('int8')).toEqual({ qmin: -128, qmax: 127 });
    expect(quantRange('int8', true)).toEqual({ qmin: -127, qmax: 127 });
    expect(quantRange('uint8')).toEqual({ qmin: 0, qmax: 255 });
    expect(quantRange('int4')).toEqual({ qmin: -8, qmax: 7 });
    expect(quantRange('uint4')).toEqual({ qmin: 0, qmax: 15 });
  });
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });
  it('symmetric int8 uses [-127, 127]', () => {
    const p = scaleZeroPoint({ min: -1, max: 2.54 }, { type: 'int8', symmetric: true });
    expect(p.scale).toBeCloseTo(2.54 / 127, 7);
    expect(p.zeroPoint).toBe(0);
  });
  it('asymmetric uint8 includes zero', () => {
    // [0.5, 2.55] widens to [0, 2.55]: scale 0.01, zero point 0
    const a = scaleZeroPoint({ min: 0.5, max: 2.55 }, { type: 'uint8', symmetric: false });
    expect(a.scale).toBeCloseTo(0.01, 7);
    expect(a.zeroPoint).toBe(0);
    // [-1, 1.55]: scale 2.55/255 = 0.01, zp = round(0 - (-1)/0.01) = 100
    const b = scaleZeroPoint({ min: -1, max: 1.55 }, { type: 'uint8', symmetric: false });
    expect(b.scale).toBeCloseTo(0.01, 7);
    expect(b.zeroPoint).toBe(100);
    // int8 asymmetric [-1, 1.55]: zp = round(-128 + 100) = -28
    expect(scaleZeroPoint({ min: -1, max: 1.55 }, { type: 'int8', symmetric: false }).zeroPoint).toBe(-28);
  });
  it('never gives a zero, NaN or Inf scale', () => {
    const zero = scaleZeroPoint({ min: 0, max: 0 }, { type: 'int8', symmetric: true });
    expect(zero).toEqual({ scale: 1, zeroPoint: 0 });
    const constant = scaleZeroPoint({ min: 3, max: 3 }, { type: 'uint8', symmetric: false });
    expect(constant.scale).toBeCloseTo(3 / 255, 7);
    const tiny = scaleZeroPoint({ min: -1e-45, max: 1e-45 }, { type: 'int8', symmetric: true, scaleType: 'float16' });
    expect(tiny.scale).toBe(SCALE_LIMITS.float16.min);
    const huge = scaleZeroPoint({ min: -1e30, max: 1e30 }, { type: 'int8', symmetric: true, scaleType: 'float16' });
    expect(huge.scale).toBe(65504);
    const inf = scaleZeroPoint({ min: -Infinity, max: NaN }, { type: 'int8', symmetric: true });
    expect(inf.scale).toBe(1);
    expect(safeScale(NaN)).toBe(1);
    expect(safeScale(0)).toBe(1);
    expect(safeScale(Infinity)).toBe(SCALE_LIMITS.float32.max);
    expect(safeScale(1e-300)).toBe(SCALE_LIMITS.float32.min);
  });
  it('per-channel params with an all-zero channel', () => {
    const p = perAxisParams([0, 0, 0, 1, -2, 0.5], [2, 3], 0, { type: 'int8', symmetric: true });
    expect(p.scale[0]).toBe(1);
    expect(p.scale[1]).toBeCloseTo(2 / 127, 7);
    expect([...p.zeroPoint]).toEqual([0, 0]);
  });
});

describe('quantize / dequantize', () => {
  it('per tensor: rounding, clamping, NaN and Inf', () => {
    // scale 0.5, zp 10: x/0.5 = [0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0]
    const q = quantizePerTensor([0.25, 0.75, 1.25, -0.25, 1000, -1000, NaN, Infinity, -Infinity], 0.5, 10, 'uint8');
    expect([...q]).toEqual([10, 12, 12, 10, 255, 0, 10, 255, 0]);
    const s = quantizePerTensor([1, -1, 100, -100], 0.1, 0, 'int8');
    expect([...s]).toEqual([10, -10, 127, -128]);
    const i4 = quantizePerTensor([7.4, -9, 3.5, 2.5], 1, 0, 'int4');
    expect([...i4]).toEqual([7, -8, 4, 2]);
    expect([
      ...dequantizeValues(
        new Uint8Array([10, 12, 0]),
        { dtype: 'uint8', scale: Float32Array.of(0.5), zeroPoint: Int32Array.of(10) },
        [3],
      ),
    ]).toEqual([0, 1, -5]);
  });
  it('per axis along axis 0 and 1', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const a0 = quantizePerAxis(x, [2, 3], 0, [1, 2], [0, 1], 'int8');
    // row 0 scale 1 zp 0: 1,2,3; row 1 scale 2 zp 1: 4/2+1=3, 5/2=2.5->2 +1=3, 6/2+1=4
    expect([...a0]).toEqual([1, 2, 3, 3, 3, 4]);
    const a1 = quantizePerAxis(x, [2, 3], 1, [1, 2, 4], [0, 0, 0], 'int8');
    // columns: [1,4]/1, [2,5]/2 = 1, 2.5->2, [3,6]/4 = 0.75->1, 1.5->2
    expect([...a1]).toEqual([1, 1, 1, 4, 2, 2]);
    expect([
      ...dequantizeValues(
        a1,
        { dtype: 'int8', scale: Float32Array.of(1, 2, 4), zeroPoint: new Int32Array(3), axis: 1 },
        [2, 3],
      ),
    ]).toEqual([1, 2, 4, 4, 4, 8]);
  });
  it('block-wise int4 along axis 0', () => {
    // shape [4, 1], block 2 along axis 0: blocks [1, -3.5] and [0.5, 7]
    const x = [1, -3.5, 0.5, 7];
    const p = blockwiseParams(x, [4, 1], 0, 2, { type: 'int4', symmetric: true });
    expect(p.blocks).toBe(2);
    expect(p.scale[0]).toBeCloseTo(0.5, 7);
    expect(p.scale[1]).toBeCloseTo(1, 7);
    const q = quantizeBlockwise(x, [4, 1], 0, 2, p.scale, p.zeroPoint, 'int4');
    // 1/0.5 = 2, -3.5/0.5 = -7, 0.5/1 -> 0 (half to even), 7
    expect([...q]).toEqual([2, -7, 0, 7]);
  });
});
