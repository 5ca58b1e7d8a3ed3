// Test helper: the first digits of the shared MNIST test set as 0-255 float pixels.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sharedPath } from '@enxuto/test-support';

export function mnistDigits(count: number): { images: Float32Array[]; labels: number[] } {
  const img = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')));
  const images: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    images.push(Float32Array.from(img.subarray(16 + i * 784, 16 + (i + 1) * 784)));
    labels.push(lab[8 + i]!);
  }
  return { images, labels };
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}
