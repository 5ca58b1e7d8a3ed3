// The one shape every data source takes: random access to samples plus seeded batching, so
// calibration, training and evaluation never care where the numbers came from.
import { ConfigError, permutation } from '@enxuto/ir';

export interface Sample {
  /** The preprocessed model input for one sample, laid out as `Dataset.shape`. */
  input: Float32Array;
  /** Class index, when the dataset has labels. */
  label?: number;
}

export interface Batch {
  /** `shape[0]` samples, batch-major, each laid out as `Dataset.shape`. */
  input: Float32Array;
  /** Batch dim first: `[batchSize, ...Dataset.shape]` (the last batch may be smaller). */
  shape: number[];
  /** One class index per sample, when the dataset has labels. */
  labels?: Int32Array;
  /** Which dataset samples make up this batch, in order. */
  indices: Int32Array;
}

export interface BatchOptions {
  /** Visit samples in a seeded random order instead of 0..size-1. */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0): the same seed always gives the same order. */
  seed?: number;
  /** Leave out a last batch smaller than `batchSize`. */
  dropLast?: boolean;
}

export interface Dataset {
  /** Short human description for logs and reports, e.g. `mnist train (9000 samples)`. */
  readonly description: string;
  readonly size: number;
  /** Per-sample shape, without the batch dim, e.g. `[1, 28, 28]`. */
  readonly shape: readonly number[];
  readonly hasLabels: boolean;
  readonly numClasses?: number;
  /** Class names by index, when the source has them (image folders). */
  readonly classNames?: readonly string[];
  sample(index: number): Sample;
  batches(batchSize: number, options?: BatchOptions): IterableIterator<Batch>;
}

export interface DatasetSource {
  description: string;
  size: number;
  shape: readonly number[];
  hasLabels: boolean;
  numClasses?: number;
  classNames?: readonly string[];
  /** Called with an index already checked to be in [0, size). */
  sample(index: number): Sample;
}

/** Refuse batch allocations past this many floats (1 GiB) rather than exhaust memory. */
export const MAX_BATCH_ELEMENTS = 1 << 28;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Wrap a sample function into a full Dataset with bounds checks and batching. */
export function createDataset(source: DatasetSource): Dataset {
  const shape = Object.freeze([...source.shape]);
  const perSample = elementCount(shape);
  const sample = (index: number): Sample => {
    if (!Number.isInteger(index) || index < 0 || index >= source.size) {
      throw new ConfigError(`sample index ${index} is outside [0, ${source.size})`, {
        code: 'data/index-out-of-range',
        field: 'index',
      });
    }
    const s = source.sample(index);
    if (s.input.length !== perSample) {
      throw new ConfigError(
        `sample ${index} has ${s.input.length} values, shape [${shape.join(', ')}] needs ${perSample}`,
        {
          code: 'data/shape-mismatch',
          field: 'shape',
        },
      );
    }
    return s;
  };
  const dataset: Dataset = {
    description: source.description,
    size: source.size,
    shape,
    hasLabels: source.hasLabels,
    ...(source.numClasses !== undefined ? { numClasses: source.numClasses } : {}),
    ...(source.classNames !== undefined ? { classNames: Object.freeze([...source.classNames]) } : {}),
    sample,
    batches: (batchSize, options) => iterateBatches(dataset, batchSize, options),
  };
  return dataset;
}

/** Batches of `dataset` in index order or a seeded shuffled order. */
export function* iterateBatches(
  dataset: Dataset,
  batchSize: number,
  options: BatchOptions = {},
): IterableIterator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError(`batch size must be a positive integer, got ${batchSize}`, {
      code: 'data/bad-batch-size',
      field: 'batchSize',
    });
  }
  const perSample = elementCount(dataset.shape);
  const effective = Math.min(batchSize, Math.max(dataset.size, 1));
  if (effective * perSample > MAX_BATCH_ELEMENTS) {
    throw new ConfigError(
      `a batch of ${effective} x [${dataset.shape.join(', ')}] exceeds ${MAX_BATCH_ELEMENTS} values`,
      {
        code: 'data/batch-too-large',
        field: 'batchSize',
      },
    );
  }
  const order = options.shuffle ? permutation(dataset.size, options.seed ?? 0) : null;
  for (let start = 0; start < dataset.size; start += batchSize) {
    const count = Math.min(batchSize, dataset.size - start);
    if (count < batchSize && options.dropLast) return;
    const input = new Float32Array(count * perSample);
    const labels = dataset.hasLabels ? new Int32Array(count) : undefined;
    const indices = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const index = order ? order[start + k]! : start + k;
      const s = dataset.sample(index);
      input.set(s.input, k * perSample);
      if (labels) labels[k] = s.label ?? -1;
      indices[k] = index;
    }
    yield { input, shape: [count, ...dataset.shape], indices, ...(labels ? { labels } : {}) };
  }
}
