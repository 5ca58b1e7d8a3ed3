// Real inputs for a model, chosen from its graph inputs alone (no per-model table): image-shaped
// tensors get photos from ../shared/data/images (NHWC or NCHW by where the 1/3 channels sit), a
// [batch, samples] float input gets a 16 kHz speech chunk, token ids get the bytes of a sentence,
// masks ones, positions 0..n-1, recurrent state and KV caches zeros, a sample rate 16000.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataType, Value } from '@enxuto/ir';
import { decodeImage, resizeBilinear, rgbaToFloat } from '@enxuto/pipeline/node';
import { sharedPath } from '@enxuto/test-support';

export interface Feed {
  name: string;
  dtype: DataType;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

const SEQ = 16;
const TEXT = 'def read(path):\n    with open(path) as f:\n        return f.read()\n';

const images = (() => {
  const dir = sharedPath('data', 'images');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(dir, f));
})();

/** Photo `k` as [h, w, c] floats in [0, 1]. */
function photo(k: number, h: number, w: number, channels: number): Float32Array {
  const file = images[(k * 37) % images.length]!;
  const img = decodeImage(new Uint8Array(readFileSync(file)), file, 40_000_000);
  const rgb = rgbaToFloat(img.rgba, img.width, img.height, channels === 1 ? 'grayscale' : 'rgb');
  return resizeBilinear(rgb, img.height, img.width, channels, h, w);
}

function speech(k: number, samples: number): Float32Array {
  const bytes = readFileSync(sharedPath('data', 'audio', `speech-0${1 + (k % 9)}.wav`));
  const pcm = new Int16Array(
    bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length - (bytes.length % 2)),
  );
  const start = 16000 + 512 * k; // past the leading silence
  return Float32Array.from({ length: samples }, (_, i) => (pcm[start + i] ?? 0) / 32768);
}

function sized(v: Value): (string | number | null)[] {
  return (v.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : null));
}

function imageLayout(shape: (string | number | null)[]): 'NHWC' | 'NCHW' | undefined {
  if (shape.length !== 4) return undefined;
  const c3 = shape[3];
  if (c3 === 1 || c3 === 3) return 'NHWC';
  if (shape[1] === 1 || shape[1] === 3) return 'NCHW';
  return undefined;
}

function fill(dtype: DataType, n: number, f: (i: number) => number): Feed['data'] {
  if (dtype === 'int64') return BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i)));
  if (dtype === 'int32') return Int32Array.from({ length: n }, (_, i) => f(i));
  if (dtype === 'uint8' || dtype === 'bool') return Uint8Array.from({ length: n }, (_, i) => f(i));
  return Float32Array.from({ length: n }, (_, i) => f(i));
}

/** Feeds for sample `k` of a model with these graph inputs. */
export function feedsFor(inputs: readonly Value[], k: number): Feed[] {
  const seqLike = inputs.some((v) => /input_ids/.test(v.name));
  return inputs.map((v) => {
    const dtype = v.dtype ?? 'float32';
    const raw = sized(v);
    const layout = imageLayout(raw);
    const name = v.name;
    if (layout !== undefined && /float|int32|uint8/.test(dtype)) {
      const c = (layout === 'NHWC' ? raw[3] : raw[1]) as number;
      const [hd, wd] = layout === 'NHWC' ? [raw[1], raw[2]] : [raw[2], raw[3]];
      const h = typeof hd === 'number' ? hd : 224;
      const w = typeof wd === 'number' ? wd : 224;
      const hwc = photo(k, h, w, c);
      const scale = dtype === 'float32' ? 1 : 255;
      const shape = layout === 'NHWC' ? [1, h, w, c] : [1, c, h, w];
      const at = (i: number) => {
        if (layout === 'NHWC') return hwc[i]! * scale;
        const ch = Math.floor(i / (h * w));
        const p = i % (h * w);
        return hwc[p * c + ch]! * scale;
      };
      return {
        name,
        dtype,
        shape,
        data: fill(dtype, hwc.length, (i) => (dtype === 'float32' ? at(i) : Math.round(at(i)))),
      };
    }
    if (raw.length === 3 && raw[1] === 28 && raw[2] === 28) {
      const img = photo(k, 28, 28, 1);
      return { name, dtype, shape: [1, 28, 28], data: fill(dtype, img.length, (i) => img[i]!) };
    }
    if (/input_ids/.test(name)) {
      const bytes = new TextEncoder().encode(TEXT.slice(k, k + SEQ));
      return { name, dtype, shape: [1, SEQ], data: fill(dtype, SEQ, (i) => bytes[i] ?? 32) };
    }
    if (/attention_mask/.test(name)) {
      const past = inputs.some((x) => /past_key_values/.test(x.name)) ? 1 : 0;
      return { name, dtype, shape: [1, SEQ + past], data: fill(dtype, SEQ + past, () => 1) };
    }
    if (/token_type_ids/.test(name)) return { name, dtype, shape: [1, SEQ], data: fill(dtype, SEQ, () => 0) };
    if (/position_ids/.test(name)) return { name, dtype, shape: [1, SEQ], data: fill(dtype, SEQ, (i) => i + 1) };
    if (raw.length === 0 && /sr|rate/.test(name)) return { name, dtype, shape: [], data: fill(dtype, 1, () => 16000) };
    if (raw.length === 2 && dtype === 'float32' && !seqLike) {
      const samples = typeof raw[1] === 'number' ? raw[1] : 512;
      return { name, dtype, shape: [1, samples], data: speech(k, samples) };
    }
    // State, KV caches and anything else: zeros of the static shape (symbolic dims: 1).
    const shape = raw.map((d) => (typeof d === 'number' ? d : 1));
    return {
      name,
      dtype,
      shape,
      data: fill(
        dtype,
        shape.reduce((a, b) => a * b, 1),
        () => 0,
      ),
    };
  });
}
