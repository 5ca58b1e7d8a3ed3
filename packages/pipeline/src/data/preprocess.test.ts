import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import {
  applyImagePlan,
  applyTensorPlan,
  planImage,
  planTensor,
  preprocessSchema,
  sampleShapeOf,
} from './preprocess.js';
import { describeFailure } from './describe-failure.js';

const pre = (value: unknown) => preprocessSchema.parse(value);
const mnistNative = { height: 28, width: 28, channels: 1 };

describe('preprocessSchema', () => {
  it('fills in identity defaults', () => {
    expect(pre(undefined)).toEqual({ scale: 1, mean: 0, std: 1, layout: 'NCHW' });
  });
  it('rejects unknown keys', () => {
    expect(describeFailure(() => pre({ scael: 2 }))).toMatch(/scael/);
  });
});

describe('sampleShapeOf', () => {
  it('drops a leading batch dim of 1 or -1 and keeps other shapes', () => {
    expect(sampleShapeOf([1, 1, 28, 28], 'f')).toEqual([1, 28, 28]);
    expect(sampleShapeOf([-1, 784], 'f')).toEqual([784]);
    expect(sampleShapeOf([784], 'f')).toEqual([784]);
    expect(sampleShapeOf([1], 'f')).toEqual([1]);
  });
  it('names the field for a bad dim', () => {
    expect(describeFailure(() => sampleShapeOf([1, -1, 3], 'data.preprocess.shape'))).toMatch(
      /field data\.preprocess\.shape: dimension -1 at position 1/,
    );
    expect(() => sampleShapeOf([4096, 4096, 4096], 'f')).toThrow(ConfigError);
  });
});

describe('planImage / applyImagePlan', () => {
  it('gives the onnx-mnist-8 input: [1,1,28,28] of 0-255 pixels', () => {
    const plan = planImage(pre({ scale: 255, shape: [1, 1, 28, 28] }), mnistNative);
    expect(plan.shape).toEqual([1, 28, 28]);
    const out = applyImagePlan({ width: 28, height: 28, channels: 1, data: new Float32Array(784).fill(0.5) }, plan);
    expect(out.length).toBe(784);
    expect(out[0]).toBe(127.5);
  });

  it('normalises per channel and lays out NCHW or NHWC', () => {
    // 1x2 RGB image: (1, 0, 0) and (0, 0.5, 1).
    const image = { width: 2, height: 1, channels: 3, data: Float32Array.from([1, 0, 0, 0, 0.5, 1]) };
    const norm = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 1] };
    const nchw = planImage(pre({ ...norm, layout: 'NCHW' }), { height: 1, width: 2, channels: 3 });
    expect(nchw.shape).toEqual([3, 1, 2]);
    expect(Array.from(applyImagePlan(image, nchw))).toEqual([1, -1, -2, 0, -0.5, 0.5]);
    const nhwc = planImage(pre({ ...norm, layout: 'NHWC' }), { height: 1, width: 2, channels: 3 });
    expect(nhwc.shape).toEqual([1, 2, 3]);
    expect(Array.from(applyImagePlan(image, nhwc))).toEqual([1, -2, -0.5, -1, 0, 0.5]);
    // The source image is not modified.
    expect(Array.from(image.data)).toEqual([1, 0, 0, 0, 0.5, 1]);
  });

  it('takes the resize size from a rank-3 shape and resizes to it', () => {
    const plan = planImage(pre({ shape: [1, 1, 4, 4] }), { height: 2, width: 2, channels: 1 });
    expect([plan.height, plan.width]).toEqual([4, 4]);
    const out = applyImagePlan({ width: 2, height: 2, channels: 1, data: Float32Array.from([0, 1, 0, 1]) }, plan);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('accepts a flat shape of the right size', () => {
    expect(planImage(pre({ shape: [1, 784] }), mnistNative).shape).toEqual([784]);
  });

  it('names the field of every inconsistency', () => {
    expect(
      describeFailure(() =>
        planImage(pre({ mean: [0.1, 0.2] }), { height: 2, width: 2, channels: 3 }, 'data.calibration.preprocess'),
      ),
    ).toMatch(
      /^ConfigError data\/bad-channels \| field data\.calibration\.preprocess\.mean: mean has 2 values but the data has 3 channel/,
    );
    expect(describeFailure(() => planImage(pre({ std: 0 }), mnistNative))).toMatch(/field preprocess\.std: a std of 0/);
    expect(describeFailure(() => planImage(pre({ shape: [1, 3, 28, 28] }), mnistNative))).toMatch(
      /field preprocess\.shape: .*3 channel\(s\)/,
    );
    expect(describeFailure(() => planImage(pre({ shape: [1, 100] }), mnistNative))).toMatch(
      /field preprocess\.shape: .*100 values per sample .* 784/,
    );
    expect(describeFailure(() => planImage(pre({ shape: [1, 1, 28, 28], resize: [20, 20] }), mnistNative))).toMatch(
      /field preprocess\.resize: .*disagrees/,
    );
    expect(() => planImage(pre({ std: 0 }), mnistNative)).toThrow(ConfigError);
  });
});

describe('planTensor / applyTensorPlan', () => {
  it('scales and normalises along axis 0 (NCHW) or the last axis (NHWC)', () => {
    const first = planTensor(pre({ scale: 2, mean: [1, 2], std: [1, 2] }), [2, 2]);
    expect(Array.from(applyTensorPlan(Float32Array.from([1, 2, 3, 4]), first))).toEqual([1, 3, 2, 3]);
    const last = planTensor(pre({ mean: [1, 2], layout: 'NHWC' }), [2, 2]);
    expect(Array.from(applyTensorPlan(Float32Array.from([1, 2, 3, 4]), last))).toEqual([0, 0, 2, 2]);
  });

  it('reshapes to a declared shape of the same size and refuses resize', () => {
    expect(planTensor(pre({ shape: [1, 2, 3] }), [6]).shape).toEqual([2, 3]);
    expect(describeFailure(() => planTensor(pre({ shape: [5] }), [6]))).toMatch(/field preprocess\.shape/);
    expect(describeFailure(() => planTensor(pre({ resize: [2, 2] }), [6]))).toMatch(
      /field preprocess\.resize: resize applies to image datasets only/,
    );
  });
});
