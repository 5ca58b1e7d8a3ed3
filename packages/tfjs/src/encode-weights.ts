// Weights -> TF.js manifest entries and packed bytes, with optional converter-style quantization:
// uint8/uint16 affine per tensor (value = q * scale + min) or float16. Only float weights are
// quantized; integer weights (shapes, indices) stay exact. TF.js has no int64: such weights are
// stored as int32 after a range check.
import { float32ToFloat16, type Tensor, UnsupportedError } from '@enxuto/ir';
import type { ManifestDtype, QuantDtype } from './dtypes.js';

export type WeightQuantize = QuantDtype;

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: ManifestDtype;
  quantization?: { dtype: QuantDtype; scale?: number; min?: number };
}

export interface EncodedWeight {
  entry: ManifestEntry;
  bytes: Uint8Array;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The dtype TF.js will hold a tensor of this IR dtype in. */
export function manifestDtypeOf(t: Tensor): ManifestDtype {
  switch (t.dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
    case 'float64':
      return 'float32';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return 'int32';
    default:
      throw new UnsupportedError(`TF.js cannot hold ${t.dtype} weights`, {
        code: 'tfjs/unsupported-dtype',
        field: 'dtype',
      });
  }
}

export function encodeWeight(name: string, t: Tensor, quantize?: WeightQuantize): EncodedWeight {
  const dtype = manifestDtypeOf(t);
  const shape = [...t.shape];
  if (dtype === 'string') return { entry: { name, shape, dtype }, bytes: encodeStrings(t.strings()) };
  if (dtype === 'bool')
    return {
      entry: { name, shape, dtype },
      bytes: Uint8Array.from(t.values() as ArrayLike<number>, (v) => (v ? 1 : 0)),
    };
  if (dtype === 'int32') return { entry: { name, shape, dtype }, bytes: toInt32Bytes(t, name) };
  // float32 bytes are written as they are (no copy); other float types are converted.
  if (!quantize && t.dtype === 'float32') return { entry: { name, shape, dtype }, bytes: t.bytes() };
  const f = t.toFloat32();
  if (quantize && f.every(Number.isFinite)) return quantized(name, shape, f, quantize);
  const copy = Float32Array.from(f);
  return { entry: { name, shape, dtype }, bytes: new Uint8Array(copy.buffer) };
}

function toInt32Bytes(t: Tensor, name: string): Uint8Array {
  const v = t.values() as ArrayLike<number | bigint>;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let x = Number(v[i]!);
    // Slice/StridedSlice use INT64 extremes as "to the end": those clamp; real values must fit.
    if (x > INT32_MAX) x = x >= 2 ** 62 ? INT32_MAX : Number.NaN;
    else if (x < INT32_MIN) x = x <= -(2 ** 62) ? INT32_MIN : Number.NaN;
    if (Number.isNaN(x)) {
      throw new UnsupportedError(`weight ${name} holds ${String(v[i])}, outside TF.js's int32 range`, {
        code: 'tfjs/int-range',
        value: name,
        field: 'values',
      });
    }
    out[i] = x;
  }
  return new Uint8Array(out.buffer);
}

function quantized(name: string, shape: number[], f: Float32Array, q: WeightQuantize): EncodedWeight {
  if (q === 'float16') {
    const h = Uint16Array.from(f, (x) => float32ToFloat16(x));
    return {
      entry: { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } },
      bytes: new Uint8Array(h.buffer),
    };
  }
  const levels = q === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (const x of f) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (f.length === 0) min = max = 0;
  // A constant tensor still needs a positive, finite scale.
  const scale = max > min ? (max - min) / levels : 1;
  const codes = q === 'uint8' ? new Uint8Array(f.length) : new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) codes[i] = Math.min(levels, Math.max(0, Math.round((f[i]! - min) / scale)));
  return {
    entry: { name, shape, dtype: 'float32', quantization: { dtype: q, scale, min } },
    bytes: new Uint8Array(codes.buffer, 0, codes.byteLength),
  };
}

function encodeStrings(items: readonly Uint8Array[]): Uint8Array {
  const total = items.reduce((s, b) => s + 4 + b.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const b of items) {
    view.setUint32(o, b.byteLength, true);
    out.set(b, o + 4);
    o += 4 + b.byteLength;
  }
  return out;
}

/** Splits the packed weights into shards of at most `shardBytes` (weights may span shards, as in TF.js). */
export function splitShards(chunks: readonly Uint8Array[], shardBytes: number): Uint8Array[] {
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const shards: Uint8Array[] = [];
  let current = new Uint8Array(Math.min(shardBytes, total));
  let fill = 0;
  let left = total;
  for (const c of chunks) {
    let o = 0;
    while (o < c.byteLength) {
      const n = Math.min(c.byteLength - o, current.byteLength - fill);
      current.set(c.subarray(o, o + n), fill);
      fill += n;
      o += n;
      left -= n;
      if (fill === current.byteLength) {
        shards.push(current);
        current = new Uint8Array(Math.min(shardBytes, left));
        fill = 0;
      }
    }
  }
  return shards;
}
