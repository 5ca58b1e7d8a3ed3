// Turns the concatenated shard bytes into IR tensors, weight by weight in manifest order. Every
// length is checked against the bytes that remain before a view is taken, and the total must match
// exactly: too few or too many bytes both mean the shards do not belong to this manifest.
import { float16ToFloat32, shapeSize, StringTensor, tensorFromBytes, tensorFromValues, type Tensor } from '@enxuto/ir';
import { storedBytes } from './dtypes.js';
import { formatError, type Where } from './json.js';
import type { WeightSpec, WeightsManifest } from './manifest.js';

/** Decoded weights by name (a Map, so no name can reach an object prototype). */
export type WeightMap = Map<string, Tensor>;

export function decodeWeights(m: WeightsManifest, bytes: Uint8Array, where: Where): WeightMap {
  const out: WeightMap = new Map();
  let offset = 0;
  for (const w of m.weights) {
    const wWhere = { ...where, value: w.name };
    const { tensor, length } = decodeOne(w, bytes, offset, wWhere);
    out.set(w.name, tensor);
    offset += length;
  }
  if (offset !== bytes.byteLength) {
    throw formatError(
      `weight shards hold ${bytes.byteLength} bytes, but the manifest's weights take ${offset}`,
      'tfjs/shard-size',
      where,
      'weightsManifest',
    );
  }
  return out;
}

function short(need: number, offset: number, bytes: Uint8Array, where: Where, field: string): Error {
  return formatError(
    `weight needs ${need} bytes at offset ${offset}, but the shards end at ${bytes.byteLength}`,
    'tfjs/shard-size',
    where,
    field,
  );
}

function decodeOne(w: WeightSpec, bytes: Uint8Array, offset: number, where: Where): { tensor: Tensor; length: number } {
  const size = shapeSize(w.shape);
  if (w.dtype === 'string') return decodeStrings(w, size, bytes, offset, where);
  const q = w.quantization;
  const length = size * storedBytes(q ? q.dtype : w.dtype);
  if (length > bytes.byteLength - offset) throw short(length, offset, bytes, where, 'weightsManifest.weights');
  const raw = bytes.subarray(offset, offset + length);
  if (!q) {
    const dtype = w.dtype === 'bool' ? 'bool' : w.dtype;
    return { tensor: tensorFromBytes(dtype, w.shape, raw), length };
  }
  // Dequantize as TF.js does on load: the IR holds what the runtime computes with.
  const copy = raw.slice();
  if (q.dtype === 'float16') {
    const h = new Uint16Array(copy.buffer, 0, size);
    const f = new Float32Array(size);
    for (let i = 0; i < size; i++) f[i] = float16ToFloat32(h[i]!);
    return { tensor: tensorFromValues('float32', w.shape, f), length };
  }
  const codes = q.dtype === 'uint8' ? copy : new Uint16Array(copy.buffer, 0, size);
  const scale = q.scale!;
  const min = q.min!;
  if (w.dtype === 'int32') {
    const v = new Int32Array(size);
    for (let i = 0; i < size; i++) v[i] = Math.round(codes[i]! * scale + min);
    return { tensor: tensorFromValues('int32', w.shape, v), length };
  }
  const f = new Float32Array(size);
  for (let i = 0; i < size; i++) f[i] = codes[i]! * scale + min;
  return { tensor: tensorFromValues('float32', w.shape, f), length };
}

/** TF.js strings: per element a uint32 little-endian byte length, then the bytes. */
function decodeStrings(w: WeightSpec, size: number, bytes: Uint8Array, start: number, where: Where) {
  const items: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = start;
  for (let i = 0; i < size; i++) {
    if (4 > bytes.byteLength - o) throw short(4, o, bytes, where, 'string length prefix');
    const len = view.getUint32(o, true);
    o += 4;
    if (len > bytes.byteLength - o) {
      throw formatError(
        `string ${i} claims ${len} bytes at offset ${o}, but only ${bytes.byteLength - o} remain`,
        'tfjs/string-length',
        where,
        'string length prefix',
      );
    }
    items.push(bytes.subarray(o, o + len));
    o += len;
  }
  return { tensor: new StringTensor(w.shape, items) as Tensor, length: o - start };
}
