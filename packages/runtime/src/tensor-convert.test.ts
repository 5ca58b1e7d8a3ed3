import * as ort from 'onnxruntime-node';
import { RuntimeError, UnsupportedError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import type { OrtModule } from './ort-types.js';
import { fromOrtTensor, isRuntimeDtype, toOrtTensor } from './tensor-convert.js';

const mod = ort as unknown as OrtModule;
const where = { model: 'm.onnx', input: 'x' };

describe('tensor conversion', () => {
  it('round-trips typed data and shape', () => {
    const t = toOrtTensor(mod, { dtype: 'int64', shape: [2], data: BigInt64Array.from([3n, -4n]) }, where);
    expect(t.type).toBe('int64');
    const back = fromOrtTensor(t, { model: 'm.onnx', output: 'y' });
    expect(back.shape).toEqual([2]);
    expect(Array.from(back.data as BigInt64Array)).toEqual([3n, -4n]);
  });

  it('refuses dtypes onnxruntime cannot carry (typed, naming the input)', () => {
    expect(isRuntimeDtype('bfloat16')).toBe(false);
    expect(isRuntimeDtype('float16')).toBe(true);
    const f = () => toOrtTensor(mod, { dtype: 'bfloat16', shape: [1], data: new Uint16Array(1) }, where);
    expect(f).toThrow(UnsupportedError);
    expect(f).toThrow(/unsupported: dtype bfloat16/);
  });

  it('refuses data that does not match the shape or the dtype', () => {
    const short = () => toOrtTensor(mod, { dtype: 'float32', shape: [2, 2], data: new Float32Array(3) }, where);
    expect(short).toThrow(RuntimeError);
    expect(short).toThrow(/needs 4 elements, data has 3/);
    const wrongArray = () => toOrtTensor(mod, { dtype: 'float32', shape: [2], data: new Int32Array(2) }, where);
    expect(wrongArray).toThrow(/float32 tensor rejected/);
    const neg = () => toOrtTensor(mod, { dtype: 'float32', shape: [-1], data: new Float32Array(0) }, where);
    expect(neg).toThrow(/invalid dimension -1/);
  });
});
