// A float model as a teacher: its logits for each training batch, the soft targets of
// distillation (a smaller student, or the same model quantized), and any intermediate values a
// feature loss matches.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '@enxuto/ir';
import { compileGraph } from '../compile.js';
import type { TrainBatch } from './batches.js';

/**
 * The value holding a model's logits: the input of a final Softmax (models exported with their
 * probabilities), else the first output itself.
 */
export function logitsOutput(model: Model): string {
  const y = model.graph.outputs[0]!;
  const p = y.producer();
  return p?.opType === 'Softmax' && p.domain === '' ? p.inputs[0]!.name : y.name;
}

export interface TeacherOutputs {
  /** [batch, classes]. */
  logits: tf.Tensor2D;
  /** The extra values asked for at creation, by name. */
  values: Record<string, tf.Tensor>;
}

export interface Teacher {
  /** Logits for the batch, [batch, classes] (the caller's tidy scope owns them). */
  logits(batch: TrainBatch): tf.Tensor2D;
  /** Logits and the extra values in one run of the teacher. */
  run(batch: TrainBatch): TeacherOutputs;
  dispose(): void;
}

export interface TeacherOptions {
  /** Intermediate values to compute along with the logits (feature distillation). */
  outputs?: readonly string[];
  /**
   * Keep each sample's logits by its index in the source (batches that carry `indices`), so
   * later epochs skip the teacher. Only for a teacher that sees one source (indices of two sources
   * collide); batches changed per step (jitter) carry no indices. Default false.
   */
  cache?: boolean;
}

/** Runs `model` (inference semantics, never trained) on each batch's input. */
export function modelTeacher(model: Model, options: TeacherOptions = {}): Teacher {
  const exe = compileGraph(model, { trainable: [], batchFromInput: true });
  const input = exe.inputNames[0]!;
  const output = logitsOutput(model);
  const extra = options.outputs ?? [];
  const cache = options.cache === true && extra.length === 0 ? new Map<number, Float32Array>() : undefined;
  const flat = (y: tf.Tensor) => (y.rank === 2 ? y : y.reshape([y.shape[0]!, -1])) as tf.Tensor2D;

  const fromCache = (indices: Int32Array): tf.Tensor2D | undefined => {
    if (!cache || !indices.every((i) => cache.has(i))) return undefined;
    const k = cache.get(indices[0]!)!.length;
    const rows = new Float32Array(indices.length * k);
    indices.forEach((i, r) => rows.set(cache.get(i)!, r * k));
    return tf.tensor2d(rows, [indices.length, k]);
  };

  const run = (batch: TrainBatch): TeacherOutputs => {
    const hit = batch.indices && batch.indices.length > 0 ? fromCache(batch.indices) : undefined;
    if (hit) return { logits: hit, values: {} };
    const x = tf.tensor(batch.input, batch.shape, 'float32');
    const out = exe.run({ [input]: x }, { outputs: [output, ...extra] });
    const logits = flat(out[output]!);
    if (cache && batch.indices) {
      const k = logits.shape[1];
      const data = logits.dataSync() as Float32Array;
      batch.indices.forEach((i, r) => cache.set(i, data.slice(r * k, (r + 1) * k)));
    }
    const values: Record<string, tf.Tensor> = {};
    for (const name of extra) values[name] = out[name]!;
    return { logits, values };
  };
  return {
    run,
    logits: (batch) => run(batch).logits,
    dispose: () => {
      cache?.clear();
      exe.dispose();
    },
  };
}
