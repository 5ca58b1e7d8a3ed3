// IR tensors <-> onnxruntime-node tensors, and the comparison ORT's own backend tests use.
import type { Tensor } from '@enxuto/ir';
import * as ort from 'onnxruntime-node';

/** IR dtypes onnxruntime-node's JS API can carry. */
const ORT_DTYPES = new Set([
  'float32',
  'float16',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
]);

export function ortCarries(dtype: string): boolean {
  return ORT_DTYPES.has(dtype);
}

export function toOrt(t: Tensor): ort.Tensor {
  const dims = [...t.shape];
  if (t.dtype === 'string')
    return new ort.Tensor(
      'string',
      t.strings().map((s) => new TextDecoder().decode(s)),
      dims,
    );
  if (t.dtype === 'float16') {
    const b = t.bytes().slice();
    return new ort.Tensor('float16', new Uint16Array(b.buffer, 0, t.size), dims);
  }
  if (t.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(t.values() as Uint8Array), dims);
  // Copy: ORT must not see a view into a file buffer with an odd offset.
  const v = t.values();
  return new ort.Tensor(t.dtype as ort.Tensor.Type, v.slice() as never, dims);
}

const RTOL = 1e-3;
const ATOL = 1e-4;

function f16(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Undefined when `actual` matches `expected` (rtol 1e-3, atol 1e-4, NaN == NaN), else why not. */
export function compare(actual: ort.Tensor, expected: Tensor, name: string): string | undefined {
  const shape = [...expected.shape];
  if (actual.dims.length !== shape.length || actual.dims.some((d, i) => d !== shape[i])) {
    return `${name}: shape [${actual.dims.join(',')}] vs expected [${shape.join(',')}]`;
  }
  if (expected.dtype === 'string') {
    const want = expected.strings().map((s) => new TextDecoder().decode(s));
    const got = actual.data as string[];
    const i = want.findIndex((w, k) => w !== got[k]);
    return i < 0 ? undefined : `${name}: value[${i}] '${got[i]}' vs '${want[i]}'`;
  }
  const got = actual.data as ArrayLike<number | bigint>;
  const want = expected.values() as ArrayLike<number | bigint>;
  for (let i = 0; i < want.length; i++) {
    const a = actual.type === 'float16' ? f16(Number(got[i])) : Number(got[i]);
    const b = Number(want[i]);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    if (!(Math.abs(a - b) <= ATOL + RTOL * Math.abs(b))) return `${name}: value[${i}] ${a} vs ${b}`;
  }
  return undefined;
}
