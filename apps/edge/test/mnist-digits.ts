// Test helper: digits of the shared MNIST test set (28x28, 0..255) with their labels.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseIdx } from '@enxuto/pipeline';
import { sharedPath } from '@enxuto/test-support';

export function mnistTestDigits(indices: number[]): { pixels: Uint8Array; label: number; index: number }[] {
  const imagesFile = sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz');
  const labelsFile = sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz');
  const images = parseIdx(gunzipSync(readFileSync(imagesFile)), imagesFile, 'images', 3);
  const labels = parseIdx(gunzipSync(readFileSync(labelsFile)), labelsFile, 'labels', 1);
  return indices.map((i) => ({
    index: i,
    pixels: images.data.subarray(i * 784, (i + 1) * 784),
    label: labels.data[i]!,
  }));
}

/** Horizontal runs of ink per row: [row, firstColumn, lastColumn], for tracing with a pen. */
export function inkRuns(pixels: Uint8Array, threshold = 128): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let y = 0; y < 28; y++) {
    let start = -1;
    for (let x = 0; x <= 28; x++) {
      const on = x < 28 && pixels[y * 28 + x]! >= threshold;
      if (on && start < 0) start = x;
      if (!on && start >= 0) {
        runs.push([y, start, x - 1]);
        start = -1;
      }
    }
  }
  return runs;
}
