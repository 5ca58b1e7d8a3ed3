// Top-1 accuracy and output error of a model on labelled batches (accuracy gates, sensitivity).
import type { Model } from '@enxuto/ir';
import type { InferenceBackend, Session } from '@enxuto/pass';
import type { CalibrationBatch } from './session.js';

export interface EvalResult {
  accuracy: number;
  samples: number;
  /** The first output of every batch, concatenated (for agreement checks). */
  outputs: Float32Array;
}

function argmaxRows(data: ArrayLike<number>, rows: number, labels: Int32Array | undefined): number {
  if (!labels) return 0;
  const cols = data.length / rows;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c]! > data[r * cols + best]!) best = c;
    if (best === labels[r]) correct++;
  }
  return correct;
}

export async function evaluateSession(
  session: Session,
  batches: Iterable<CalibrationBatch>,
  outputName?: string,
): Promise<EvalResult> {
  let correct = 0;
  let samples = 0;
  const chunks: Float32Array[] = [];
  for (const b of batches) {
    const out = await session.run(b.feeds);
    const t = out[outputName ?? Object.keys(out)[0]!]!;
    const data = Float32Array.from(t.data as ArrayLike<number>);
    chunks.push(data);
    correct += argmaxRows(data, b.samples, b.labels);
    samples += b.samples;
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const outputs = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    outputs.set(c, o);
    o += c.length;
  }
  return { accuracy: samples ? correct / samples : 0, samples, outputs };
}

export async function evaluateModel(
  model: Model | Uint8Array,
  backend: InferenceBackend,
  batches: Iterable<CalibrationBatch>,
): Promise<EvalResult> {
  const s = await backend.createSession(model);
  try {
    return await evaluateSession(s, batches, model instanceof Uint8Array ? undefined : model.graph.outputs[0]?.name);
  } finally {
    await s.release();
  }
}

/** Mean squared difference of two output arrays. */
export function outputMse(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let e = 0;
  for (let i = 0; i < n; i++) e += (a[i]! - b[i]!) ** 2;
  return n ? e / n : 0;
}
