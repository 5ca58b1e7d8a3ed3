// A small reader for the official MNIST test set (idx files, gzip), for accuracy tests only.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sharedPath } from '@enxuto/test-support';

export interface Mnist {
  count: number;
  /** count x 784 pixels, 0..255. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export function loadMnistTest(): Mnist {
  const img = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')));
  const iv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const lv = new DataView(lab.buffer, lab.byteOffset, lab.byteLength);
  if (iv.getUint32(0) !== 2051 || lv.getUint32(0) !== 2049) throw new Error('not MNIST idx files');
  const count = iv.getUint32(4);
  if (lv.getUint32(4) !== count || iv.getUint32(8) !== 28 || iv.getUint32(12) !== 28)
    throw new Error('MNIST sizes disagree');
  return { count, pixels: img.subarray(16, 16 + count * 784), labels: lab.subarray(8, 8 + count) };
}

/** Fraction of digits whose arg-max over `predict(batch)` equals the label. */
export async function accuracy(
  data: Mnist,
  scale: number,
  predict: (x: Float32Array, n: number) => Float32Array | Promise<Float32Array>,
  batch = 1000,
): Promise<{ accuracy: number; predictions: Uint8Array }> {
  const predictions = new Uint8Array(data.count);
  let correct = 0;
  for (let s = 0; s < data.count; s += batch) {
    const n = Math.min(batch, data.count - s);
    const x = Float32Array.from(data.pixels.subarray(s * 784, (s + n) * 784), (p) => p * scale);
    const y = await predict(x, n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (y[i * 10 + k]! > y[i * 10 + best]!) best = k;
      predictions[s + i] = best;
      if (best === data.labels[s + i]) correct++;
    }
  }
  return { accuracy: correct / data.count, predictions };
}
