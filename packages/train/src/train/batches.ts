// The data a training run reads: anything that yields batches of float inputs with optional
// integer labels. @enxuto/pipeline's Dataset fits this interface as it is.
import { ConfigError } from '@enxuto/ir';
import { seededPermutation } from './rng.js';
import type { EarlyStopOptions } from './train.js';

export interface TrainBatch {
  /** shape[0] samples, batch-major. */
  input: Float32Array;
  /** [batchSize, ...sampleShape]. */
  shape: number[];
  /** One class index per sample. */
  labels?: Int32Array;
  /** Each sample's index in its source (lets a teacher keep its logits between epochs). */
  indices?: Int32Array;
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
        const indices = new Int32Array(n);
        for (let k = 0; k < n; k++) {
          const i = order ? order[start + k]! : start + k;
          indices[k] = i;
          x.set(input.subarray(i * per, (i + 1) * per), k * per);
          if (y) y[k] = labels![i]!;
        }
        yield { input: x, shape: [n, ...sampleShape], indices, ...(y ? { labels: y } : {}) };
      }
    },
  };
}

/**
 * Splits a source into training and held-out validation samples (a seeded choice of
 * `fraction` of them), for early stopping on data the run does not train on. Reads the source
 * once into memory.
 */
export function holdOut(
  source: BatchSource,
  fraction: number,
  seed = 0,
): { train: BatchSource; validation: BatchSource; trainCount: number; validationCount: number } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ConfigError(`held-out fraction must be in (0, 1), got ${fraction}`, {
      code: 'train/bad-option',
      field: 'validation',
    });
  }
  const chunks: TrainBatch[] = [];
  let count = 0;
  for (const b of source.batches(512, { shuffle: false })) {
    chunks.push(b);
    count += b.shape[0]!;
  }
  const sampleShape = chunks[0]?.shape.slice(1) ?? [];
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const labelled = chunks.length > 0 && chunks.every((c) => c.labels !== undefined);
  const held = new Uint8Array(count);
  const order = seededPermutation(count, seed);
  const validationCount = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  for (let k = 0; k < validationCount; k++) held[order[k]!] = 1;
  const parts = [0, 1].map((side) => {
    const n = side ? validationCount : count - validationCount;
    return { x: new Float32Array(n * per), y: labelled ? new Int32Array(n) : undefined, at: 0 };
  });
  let i = 0;
  for (const c of chunks) {
    for (let r = 0; r < c.shape[0]!; r++, i++) {
      const p = parts[held[i]!]!;
      p.x.set(c.input.subarray(r * per, (r + 1) * per), p.at * per);
      if (p.y) p.y[p.at] = c.labels![r]!;
      p.at++;
    }
  }
  return {
    train: arrayBatches(parts[0]!.x, sampleShape, parts[0]!.y),
    validation: arrayBatches(parts[1]!.x, sampleShape, parts[1]!.y),
    trainCount: count - validationCount,
    validationCount,
  };
}

/**
 * The data of a run that stops early: with `validation` > 0, a seeded held-out share of `source`
 * and early stopping on it (the best epoch's weights come back; with `baseline`, the starting
 * weights when no epoch beats them); with 0, all of it and every epoch runs.
 */
export function withHeldOut(
  source: BatchSource,
  o: { validation: number; patience: number; seed?: number; baseline?: boolean },
): { data: BatchSource; validation?: BatchSource; earlyStop?: EarlyStopOptions } {
  if (o.validation <= 0) return { data: source };
  const split = holdOut(source, o.validation, o.seed ?? 0);
  return {
    data: split.train,
    validation: split.validation,
    earlyStop: { patience: o.patience, restoreBest: true, baseline: o.baseline ?? false },
  };
}
