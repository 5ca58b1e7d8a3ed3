// A float model as a teacher: its logits for each training batch, the soft targets of
// distillation (a smaller student, or the same model quantized).
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

export interface Teacher {
  /** Logits for the batch, [batch, classes] (the caller's tidy scope owns them). */
  logits(batch: TrainBatch): tf.Tensor2D;
  dispose(): void;
}

/** Runs `model` (inference semantics, never trained) on each batch's input. */
export function modelTeacher(model: Model): Teacher {
  const exe = compileGraph(model, { trainable: [], batchFromInput: true });
  const input = exe.inputNames[0]!;
  const output = logitsOutput(model);
  return {
    logits(batch) {
      const y = exe.run({ [input]: tf.tensor(batch.input, batch.shape, 'float32') }, { outputs: [output] })[output]!;
      return (y.rank === 2 ? y : y.reshape([y.shape[0]!, -1])) as tf.Tensor2D;
    },
    dispose: () => exe.dispose(),
  };
}
