// Diagonal of the Hessian for OBD, as the empirical Fisher: the average of squared per-sample
// loss gradients (equal to the Gauss–Newton diagonal in expectation for cross-entropy at a
// well-fit model). Micro-batches of `microBatch` samples trade accuracy for speed; their squared
// mean gradient is scaled by the micro-batch size so the estimate keeps the per-sample scale.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '@enxuto/ir';
import { compileGraph, crossEntropyFromLogits, type BatchSource } from '@enxuto/train';

export interface HessianOptions {
  /** Samples to average over. */
  samples: number;
  microBatch: number;
  seed: number;
  signal?: AbortSignal;
}

/** Hessian-diagonal estimates for the named float initializers of `model`. */
export function fisherDiagonal(model: Model, weights: readonly string[], data: BatchSource, o: HessianOptions): Map<string, Float32Array> {
  const exe = compileGraph(model, { trainable: weights });
  const input = exe.inputNames[0]!;
  const output = exe.outputNames[0]!;
  const vars = weights.map((w) => exe.variables.get(w)!);
  const sums = vars.map((v) => new Float64Array(v.size));
  let seen = 0;
  try {
    for (const batch of data.batches(o.microBatch, { shuffle: true, seed: o.seed })) {
      if (seen >= o.samples) break;
      if (o.signal?.aborted) break;
      const n = batch.shape[0]!;
      const labels = batch.labels;
      if (!labels) throw new Error('OBD needs labelled data');
      tf.tidy(() => {
        const x = tf.tensor(batch.input, batch.shape, 'float32');
        const y = tf.tensor1d(labels, 'int32');
        const { grads } = tf.variableGrads(() => {
          const out = exe.forward({ [input]: x }, { outputs: [output] })[output]!;
          const logits = (out.rank === 2 ? out : out.reshape([n, -1])) as tf.Tensor2D;
          return crossEntropyFromLogits(logits, y);
        }, vars);
        vars.forEach((v, i) => {
          const g = grads[v.name]!.dataSync();
          const s = sums[i]!;
          for (let k = 0; k < s.length; k++) s[k]! += g[k]! * g[k]! * n; // n·ḡ² ≈ mean of per-sample g²
        });
      });
      seen += n;
    }
  } finally {
    exe.dispose();
  }
  const out = new Map<string, Float32Array>();
  weights.forEach((w, i) => out.set(w, Float32Array.from(sums[i]!, (s) => (seen > 0 ? s / seen : 0))));
  return out;
}
