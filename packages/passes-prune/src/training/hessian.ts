// Diagonal of the Hessian for OBD, as a Fisher diagonal: the average of squared per-sample loss
// gradients. 'sampled' draws each label from the model's own softmax (the true Fisher, equal in
// expectation to the Gauss–Newton diagonal for cross-entropy); 'empirical' uses the data labels,
// which on a model that fits its training data gives near-zero, noisy gradients. Micro-batches of `microBatch` samples trade accuracy for speed; their squared
// mean gradient is scaled by the micro-batch size so the estimate keeps the per-sample scale.
import * as tf from '@tensorflow/tfjs';
import { ConfigError, type Model } from '@enxuto/ir';
import { compileGraph, crossEntropyFromLogits, type BatchSource } from '@enxuto/train';

export interface HessianOptions {
  /** Samples to average over. */
  samples: number;
  microBatch: number;
  seed: number;
  /** Labels of the gradients: drawn from the model ('sampled', default) or the data's ('empirical'). */
  labels?: 'sampled' | 'empirical';
  signal?: AbortSignal;
}

/** xorshift32 in [0, 1): label sampling must be reproducible from the pass seed. */
function uniform(seed: number): () => number {
  let s = (seed >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Hessian-diagonal estimates for the named float initializers of `model`. */
export function fisherDiagonal(model: Model, weights: readonly string[], data: BatchSource, o: HessianOptions): Map<string, Float32Array> {
  const exe = compileGraph(model, { trainable: weights, batchFromInput: true });
  const input = exe.inputNames[0]!;
  const output = exe.outputNames[0]!;
  const vars = weights.map((w) => exe.variables.get(w)!);
  const sums = vars.map((v) => new Float64Array(v.size));
  let seen = 0;
  const rand = uniform(o.seed + 1);
  const sampled = (o.labels ?? 'sampled') === 'sampled';
  try {
    for (const batch of data.batches(o.microBatch, { shuffle: true, seed: o.seed })) {
      if (seen >= o.samples) break;
      if (o.signal?.aborted) break;
      const n = batch.shape[0]!;
      let labels = batch.labels;
      tf.tidy(() => {
        const x = tf.tensor(batch.input, batch.shape, 'float32');
        if (sampled) labels = sampleLabels(exe.run({ [input]: x }, { outputs: [output] })[output]!, n, rand);
        if (!labels) throw new ConfigError('OBD with empirical Fisher needs labelled data', { code: 'prune/no-labels', field: 'data' });
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

/** One label per row drawn from softmax(logits). */
function sampleLabels(out: tf.Tensor, n: number, rand: () => number): Int32Array {
  const p = tf.softmax(out.reshape([n, -1])).dataSync();
  const classes = p.length / n;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rand();
    let c = 0;
    while (c < classes - 1 && u >= p[i * classes + c]!) u -= p[i * classes + c++]!;
    labels[i] = c;
  }
  return labels;
}
