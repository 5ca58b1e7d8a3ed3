import { describe, expect, it } from 'vitest';
import { byteLengthOf, integerRange } from './dtype.js';
import { FormatError } from './errors.js';
import { float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './float16.js';
import {
  DenseTensor,
  LazyTensor,
  SparseTensor,
  int64Tensor,
  stringTensor,
  tensorFromBytes,
  tensorFromValues,
} from './tensor.js';
import { packSubByte, unpackSubByte } from './tensor-bytes.js';

describe('float16 and bfloat16', () => {
  it('round-trips exactly representable values and rounds to nearest even', () => {
    expect(float32ToFloat16(1)).toBe(0x3c00);
    expect(float32ToFloat16(-2)).toBe(0xc000);
    expect(float32ToFloat16(65504)).toBe(0x7bff);
    expect(float32ToFloat16(1e6)).toBe(0x7c00); // overflow -> inf
    expect(float32ToFloat16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float16ToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16ToFloat32(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float32ToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(float16ToFloat32(float32ToFloat16(Number.NaN)))).toBe(true);
    expect(float32ToBfloat16(1)).toBe(0x3f80);
  });
});

describe('sub-byte packing', () => {
  it('packs int4 low nibble first and sign-extends on unpack', () => {
    const packed = packSubByte([1, -2, 7, -8, 3], 4);
    expect([...packed]).toEqual([0xe1, 0x87, 0x03]);
    expect([...unpackSubByte(packed, 5, 4, true)]).toEqual([1, -2, 7, -8, 3]);
    expect([...unpackSubByte(packed, 5, 4, false)]).toEqual([1, 14, 7, 8, 3]);
    const t = tensorFromValues('int4', [5], [1, -2, 7, -8, 3]);
    expect(t.byteLength).toBe(3);
    expect([...t.values()]).toEqual([1, -2, 7, -8, 3]);
    expect(integerRange('int4')).toEqual({ min: -8, max: 7 });
    expect(byteLengthOf('uint2', 5)).toBe(2);
  });
});

describe('tensors', () => {
  it('views file bytes without copying', () => {
    const file = new Uint8Array(64);
    new Float32Array(file.buffer, 8, 2).set([1.5, -2]);
    const t = tensorFromBytes('float32', [2], file.subarray(8, 16));
    expect(t.bytes().buffer).toBe(file.buffer);
    expect([...t.values()]).toEqual([1.5, -2]);
    expect((t.values() as Float32Array).buffer).toBe(file.buffer);
  });

  it('decodes unaligned views by copying', () => {
    const file = new Uint8Array(16);
    new DataView(file.buffer).setFloat32(3, 42, true);
    const t = tensorFromBytes('float32', [1], file.subarray(3, 7));
    expect([...t.values()]).toEqual([42]);
  });

  it('decodes float16 and int64', () => {
    const h = tensorFromValues('float16', [3], [1, 0.5, -3]);
    expect(h.byteLength).toBe(6);
    expect([...h.toFloat32()]).toEqual([1, 0.5, -3]);
    const big = int64Tensor([1], [9223372036854775807n]);
    expect(big.values()[0]).toBe(9223372036854775807n);
  });

  it('rejects data that does not match the shape', () => {
    expect(() => new DenseTensor('float32', [3], new Uint8Array(8))).toThrowError(FormatError);
    expect(() => new DenseTensor('float32', [-1], new Uint8Array(0))).toThrow(/invalid tensor dimension/);
  });

  it('loads lazy tensors once, on demand, and checks their size', () => {
    let loads = 0;
    const t = new LazyTensor('float32', [2], () => {
      loads++;
      return new Uint8Array(new Float32Array([3, 4]).buffer);
    });
    expect(t.isLazy).toBe(true);
    expect(loads).toBe(0);
    expect([...t.values()]).toEqual([3, 4]);
    t.bytes();
    expect(loads).toBe(1);
    expect(t.isLazy).toBe(false);
    const bad = new LazyTensor('float32', [2], () => new Uint8Array(4), { path: 'w.bin', offset: 0, length: 4 });
    expect(() => bad.bytes()).toThrowError(expect.objectContaining({ code: 'tensor/size-mismatch', file: 'w.bin' }));
  });

  it('densifies sparse tensors from linear and coordinate indices', () => {
    const vals = tensorFromValues('float32', [2], [5, 6]);
    const lin = new SparseTensor('float32', [2, 3], vals, int64Tensor([2], [1, 5]));
    expect([...lin.values()]).toEqual([0, 5, 0, 0, 0, 6]);
    const coo = new SparseTensor('float32', [2, 3], vals, int64Tensor([2, 2], [0, 1, 1, 2]));
    expect([...coo.values()]).toEqual([0, 5, 0, 0, 0, 6]);
    const bad = new SparseTensor('float32', [2, 3], vals, int64Tensor([2], [1, 9]));
    expect(() => bad.bytes()).toThrow(/sparse index 9/);
  });

  it('keeps strings as bytes', () => {
    const s = stringTensor([2], ['a', 'bc']);
    expect(s.strings().map((b) => new TextDecoder().decode(b))).toEqual(['a', 'bc']);
    expect(() => s.values()).toThrow(TypeError);
  });
});
