// The data a training run reads: anything that yields batches of float inputs with optional
// integer labels. @enxuto/pipeline's Dataset fits this interface as it is.
import { ConfigError } from '@enxuto/ir';
import { seededPermutation } from './rng.js';

export interface TrainBatch {
  /** shape[0] samples, batch-major. */
  input: Float32Array;
  /** [batchSize, ...sampleShape]. */
  shape: number[];
  /** One class index per sample. */
  labels?: Int32Array;
}

export interface BatchSource {
  batches(batchSize: number, options?: { shuffle?: boolean; seed?: number; dropLast?: boolean }): Iterable<TrainBatch>;
}

/** A BatchSource over arrays in memory (tests, small tasks), with seeded shuffling. */
export function arrayBatches(input: Float32Array, sampleShape: readonly number[], labels?: Int32Array): BatchSource {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  if (per === 0 || input.length % per !== 0) {
    throw new ConfigError(
      `input of ${input.length} values is not a whole number of [${sampleShape.join(',')}] samples`,
      {
        code: 'train/bad-data',
        field: 'input',
      },
    );
  }
  const count = input.length / per;
  if (labels && labels.length !== count) {
    throw new ConfigError(`${labels.length} labels for ${count} samples`, { code: 'train/bad-data', field: 'labels' });
  }
  return {
    *batches(batchSize, options = {}) {
      const order = options.shuffle ? seededPermutation(count, options.seed ?? 0) : undefined;
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        if (n < batchSize && options.dropLast) return;
        const x = new Float32Array(n * per);
        const y = labels ? new Int32Array(n) : undefined;
        for (let k = 0; k < n; k++) {
          const i = order ? order[start + k]! : start + k;
          x.set(input.subarray(i * per, (i + 1) * per), k * per);
          if (y) y[k] = labels![i]!;
        }
        yield y ? { input: x, shape: [n, ...sampleShape], labels: y } : { input: x, shape: [n, ...sampleShape] };
      }
    },
  };
}
