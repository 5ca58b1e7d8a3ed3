// Calibration batches for language models: dataset samples are windows of token ids (e.g. a .npy
// of [windows, length] ids), turned into the model's inputs (ids, masks, positions, empty caches).
// Other models take the dataset as their one float input.
import type { Model } from '@enxuto/ir';
import { lmFeeds } from '@enxuto/pass';
import { datasetBatches, type SampleSource } from './batches.js';
import type { CalibrationBatch } from './session.js';

/** True when the model reads token ids (an integer input named *input_ids, or its only input is integer). */
export function readsTokens(model: Model): boolean {
  const inputs = model.graph.inputs.filter((v) => !v.isInitializer());
  const ints = inputs.filter((v) => v.dtype === 'int64' || v.dtype === 'int32');
  return ints.some((v) => /input_ids$/.test(v.name)) || (inputs.length === 1 && ints.length === 1);
}

export function* tokenBatches(
  model: Model,
  source: SampleSource,
  opts: { batchSize: number; limit: number },
): Generator<CalibrationBatch> {
  const infos = model.graph.inputs
    .filter((v) => !v.isInitializer())
    .map((v) => ({ name: v.name, dtype: v.dtype, shape: [...(v.shape ?? [])] }));
  let left = Math.min(opts.limit, source.size);
  for (const b of source.batches(opts.batchSize)) {
    if (left <= 0) break;
    const rows = Math.min(b.shape[0]!, left);
    const length = b.input.length / b.shape[0]!;
    left -= rows;
    yield { feeds: lmFeeds(infos, { ids: b.input.subarray(0, rows * length), rows, length }), samples: rows };
  }
}

/** Token feeds for a language model, the dataset as its input otherwise. */
export function calibrationBatches(
  model: Model,
  source: SampleSource,
  opts: { batchSize: number; limit: number },
): Generator<CalibrationBatch> {
  return readsTokens(model) ? tokenBatches(model, source, opts) : datasetBatches(model, source, opts);
}
