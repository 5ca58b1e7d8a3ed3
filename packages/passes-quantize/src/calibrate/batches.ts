// Turning a Dataset into model feeds, respecting a fixed batch dimension of the model input.
import { ConfigError, type Model, type Value } from '@enxuto/ir';
import type { CalibrationBatch } from './session.js';

/** What the quantizer uses of a pipeline Dataset. */
export interface SampleSource {
  readonly size: number;
  readonly shape: readonly number[];
  batches(
    batchSize: number,
    options?: { shuffle?: boolean; seed?: number },
  ): IterableIterator<{
    input: Float32Array;
    shape: number[];
    labels?: Int32Array;
  }>;
}

/** The single float graph input data is fed to. */
export function dataInput(model: Model): Value {
  const inputs = model.graph.inputs.filter((v) => !v.isInitializer());
  if (inputs.length !== 1) {
    throw new ConfigError(`the model has ${inputs.length} data inputs; calibration from a dataset needs exactly one`, {
      code: 'quantize/inputs',
      field: 'graph.input',
    });
  }
  return inputs[0]!;
}

/** Batch size the model accepts: its fixed leading dim, or `wanted` when the dim is symbolic. */
export function batchSizeFor(input: Value, wanted: number): number {
  const d0 = input.shape?.[0];
  return typeof d0 === 'number' && d0 > 0 ? d0 : wanted;
}

/** Up to `limit` samples of `source` as feeds for `model`. */
export function* datasetBatches(
  model: Model,
  source: SampleSource,
  opts: { batchSize?: number; limit?: number } = {},
): Generator<CalibrationBatch> {
  const input = dataInput(model);
  const bs = batchSizeFor(input, opts.batchSize ?? 32);
  const rank = input.shape?.length;
  let left = Math.min(opts.limit ?? source.size, source.size);
  for (const b of source.batches(bs)) {
    if (left <= 0) break;
    let n = b.shape[0]!;
    let data = b.input;
    const per = data.length / n;
    if (n > left) {
      n = left;
      data = data.subarray(0, n * per);
    }
    // A model with a fixed batch dim cannot take a short last batch.
    if (n !== bs && typeof input.shape?.[0] === 'number') break;
    let shape = [n, ...b.shape.slice(1)];
    if (rank !== undefined && shape.length !== rank && shape.reduce((a, c) => a * c, 1) === data.length) {
      shape = input.shape!.map((d, i) => (i === 0 ? n : typeof d === 'number' ? d : 1));
    }
    left -= n;
    yield {
      feeds: { [input.name]: { dtype: 'float32', shape, data } },
      samples: n,
      ...(b.labels ? { labels: b.labels.subarray(0, n) } : {}),
    };
  }
}

/** A pass's calibration data: up to `calibrationSamples` of `data.calibration` as feeds, and how many. */
export function contextCalibration(
  model: Model,
  ctx: { dataset(role: 'calibration'): SampleSource },
  options: { calibrationSamples: number; batchSize?: number },
): { batches: Generator<CalibrationBatch>; total: number } {
  const data = ctx.dataset('calibration');
  const total = Math.min(options.calibrationSamples, data.size);
  return { batches: datasetBatches(model, data, { batchSize: options.batchSize, limit: total }), total };
}
