import { describe, expect, it } from 'vitest';
import { modelKind } from './model-kind.js';

const one = (shape: (number | string | null)[], dtype: 'float32' | 'int64' = 'float32') => [
  { name: 'x', dtype, shape },
];

describe('modelKind', () => {
  it('recognises MNIST digit models in both layouts, batch fixed or symbolic', () => {
    expect(modelKind(one([1, 1, 28, 28]))).toEqual({ kind: 'mnist', input: 'x', layout: 'NCHW' });
    expect(modelKind(one(['N', 28, 28, 1]))).toEqual({ kind: 'mnist', input: 'x', layout: 'NHWC' });
    expect(modelKind(one(['batch', 784]))).toEqual({ kind: 'mnist', input: 'x', layout: 'flat' });
  });

  it('recognises RGB and grey image models', () => {
    expect(modelKind(one([1, 3, 224, 224]))).toEqual({
      kind: 'image',
      input: 'x',
      layout: 'NCHW',
      channels: 3,
      height: 224,
      width: 224,
    });
    expect(modelKind(one([null, 96, 128, 1]))).toEqual({
      kind: 'image',
      input: 'x',
      layout: 'NHWC',
      channels: 1,
      height: 96,
      width: 128,
    });
  });

  it('falls back to generated tensors for anything else', () => {
    expect(modelKind(one([1, 3, 224, 224], 'int64')).kind).toBe('generic');
    expect(modelKind(one([1, 785])).kind).toBe('generic');
    expect(modelKind(one([2, 784])).kind).toBe('generic');
    expect(modelKind(one([4, 1, 28, 28])).kind).toBe('generic');
    expect(modelKind(one([1, 3, 'h', 'w'])).kind).toBe('generic');
    expect(modelKind([...one([1, 1, 28, 28]), { name: 'y', dtype: 'float32', shape: [1] }]).kind).toBe('generic');
  });
});
