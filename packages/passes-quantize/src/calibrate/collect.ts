// Calibration: run the float model with its intermediate values exposed as outputs, in batches,
// and collect one histogram per float tensor.
import { AbortedError, RuntimeError, type Model } from '@enxuto/ir';
import { withOutputs, type InferenceBackend } from '@enxuto/pass';
import { Histogram } from '../kernels/histogram.js';
import type { CalibrationBatch } from './session.js';

export interface CollectOptions {
  /** Values to observe (default: every graph input and node output). */
  names?: readonly string[];
  bins?: number;
  onProgress?: (samples: number) => void;
  signal?: AbortSignal;
}

/** Names of the values worth calibrating: graph inputs and node outputs not known to be non-float. */
export function activationNames(model: Model): string[] {
  const g = model.graph;
  const names: string[] = [];
  for (const v of g.inputs)
    if (!v.isInitializer() && (v.dtype === undefined || v.dtype === 'float32')) names.push(v.name);
  for (const n of g) {
    for (const v of n.outputs) {
      if (
        v &&
        (v.dtype === undefined || v.dtype === 'float32') &&
        !['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin'].includes(n.opType)
      )
        names.push(v.name);
    }
  }
  return names;
}

export async function collectHistograms(
  model: Model,
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
  opts: CollectOptions = {},
): Promise<Map<string, Histogram>> {
  const names = opts.names ?? activationNames(model);
  const probe = withOutputs(model, names);
  const session = await backend.createSession(probe);
  const hists = new Map<string, Histogram>();
  let seen = 0;
  try {
    for (const batch of batches) {
      if (opts.signal?.aborted)
        throw new AbortedError('calibration stopped', { code: 'aborted', field: 'calibration' });
      const out = await session.run(batch.feeds);
      for (const name of names) {
        const t = out[name];
        if (!t)
          throw new RuntimeError(`the runtime did not return ${name}`, {
            code: 'quantize/missing-output',
            value: name,
          });
        if (t.dtype !== 'float32') continue;
        let h = hists.get(name);
        if (!h) hists.set(name, (h = new Histogram(opts.bins ?? 2048)));
        h.add(t.data as ArrayLike<number>);
      }
      seen += batch.samples;
      opts.onProgress?.(seen);
    }
  } finally {
    await session.release();
  }
  return hists;
}
