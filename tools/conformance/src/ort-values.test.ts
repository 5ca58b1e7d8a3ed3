import { readFileSync } from 'node:fs';
import { float32Tensor, stringTensor, tensorFromValues } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compare, toOrt } from './ort-values.js';
import { readTensorFile } from './tensor-file.js';

describe('test data files', () => {
  it('reads a TensorProto file: abs(input_0) equals output_0 of test_abs', async () => {
    const dir = sharedPath('conformance', 'onnx-backend', 'node', 'test_abs', 'test_data_set_0');
    const x = await readTensorFile(new Uint8Array(readFileSync(`${dir}/input_0.pb`)), 'input_0.pb');
    const y = await readTensorFile(new Uint8Array(readFileSync(`${dir}/output_0.pb`)), 'output_0.pb');
    expect(x.dtype).toBe('float32');
    expect([...x.shape]).toEqual([3, 4, 5]);
    expect(x.toFloat32().some((v) => v < 0)).toBe(true);
    const abs = new ort.Tensor('float32', x.toFloat32().map(Math.abs), [3, 4, 5]);
    expect(compare(abs, y, 'y')).toBeUndefined();
  });
});

describe('compare', () => {
  const ref = float32Tensor([3], [1, 100, Number.NaN]);

  it('accepts differences within rtol 1e-3 + atol 1e-4, and NaN against NaN', () => {
    expect(
      compare(new ort.Tensor('float32', Float32Array.from([1.0001, 100.09, Number.NaN]), [3]), ref, 'y'),
    ).toBeUndefined();
  });

  it('reports the first value out of tolerance, and shape mismatches', () => {
    expect(compare(new ort.Tensor('float32', Float32Array.from([1, 100.2, Number.NaN]), [3]), ref, 'y')).toMatch(
      /^y: value\[1\] 100\.19\d* vs 100$/,
    );
    expect(compare(new ort.Tensor('float32', Float32Array.from([1, 100, 0]), [3]), ref, 'y')).toMatch(/value\[2\]/);
    expect(compare(new ort.Tensor('float32', new Float32Array(3), [1, 3]), ref, 'y')).toMatch(
      /shape \[1,3\] vs expected \[3\]/,
    );
  });

  it('compares strings exactly and converts IR tensors for ORT', () => {
    const s = stringTensor([2], ['a', 'b']);
    expect(compare(toOrt(s), s, 's')).toBeUndefined();
    expect(compare(new ort.Tensor('string', ['a', 'c'], [2]), s, 's')).toBe("s: value[1] 'c' vs 'b'");
    const h = tensorFromValues('float16', [2], [0.5, -2]);
    expect(compare(toOrt(h), h, 'h')).toBeUndefined();
    expect(toOrt(h).type).toBe('float16');
  });
});
