// Loss and accuracy of a model over a batch source, in inference mode: the validation of each
// epoch, and the measure tests and benchmarks read a trained model by.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '@enxuto/ir';
import { compileGraph, type Executable } from '../compile.js';
import type { BatchSource } from './batches.js';
import { countCorrect, crossEntropyFromLogits, type LossFn } from './losses.js';
import { logitsOutput } from './teacher.js';

export interface Evaluation {
  /** Mean loss per sample (the given loss, else cross-entropy with the labels; NaN without either). */
  loss: number;
  /** Share of samples whose arg-max is the label (labelled data only). */
  accuracy?: number;
}

/** Rows of any-rank logits as [batch, classes]. */
export function toLogits(t: tf.Tensor): tf.Tensor2D {
  return (t.rank === 2 ? t : t.reshape([t.shape[0]!, -1])) as tf.Tensor2D;
}

export function evaluateExecutable(
  exe: Executable,
  source: BatchSource,
  batchSize: number,
  input: string,
  output: string,
  lossFn?: LossFn,
): Evaluation {
  let loss = 0;
  let correct = 0;
  let count = 0;
  let labelled = true;
  for (const batch of source.batches(batchSize, { shuffle: false })) {
    const n = batch.shape[0]!;
    tf.tidy(() => {
      const x = tf.tensor(batch.input, batch.shape, 'float32');
      const outputs = exe.run({ [input]: x }, { outputs: [output] });
      const logits = toLogits(outputs[output]!);
      const labels = batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
      if (lossFn) loss += lossFn({ logits, outputs, batch, ...(labels ? { labels } : {}) }).dataSync()[0]! * n;
      else if (labels) loss += crossEntropyFromLogits(logits, labels).dataSync()[0]! * n;
      if (batch.labels) correct += countCorrect(logits, batch.labels);
      else labelled = false;
    });
    count += n;
  }
  if (count === 0) return { loss: Number.NaN };
  if (!labelled) return { loss: lossFn ? loss / count : Number.NaN };
  return { loss: loss / count, accuracy: correct / count };
}

/** Cross-entropy and accuracy of `model`'s logits (under a final Softmax, if any) over `source`. */
export function evaluateModel(model: Model, source: BatchSource, batchSize = 256): Evaluation {
  const exe = compileGraph(model, { trainable: [], batchFromInput: true });
  try {
    return evaluateExecutable(exe, source, batchSize, exe.inputNames[0]!, logitsOutput(model));
  } finally {
    exe.dispose();
  }
}
