// Distillation and fine-tuning on @enxuto/train's one training loop: the KD loss (plus feature
// MSE through adapters) is the loss, jitter is a batch transform that teacher and student both
// see, and the adapters are extra parameters trained with the student and then dropped.
import * as tf from '@tensorflow/tfjs';
import { ConfigError, type Model } from '@enxuto/ir';
import {
  compileGraph,
  crossEntropyLoss,
  deriveSeed,
  kdLoss,
  modelTeacher,
  seededRandom,
  train,
  type LossFn,
  type Teacher,
  type TrainBatch,
  type TrainOptions,
  type TrainResult,
} from '@enxuto/train';
import { createAdapter, featureLoss, type FeatureAdapter, type FeaturePair } from './feature-adapter.js';
import { imageLayoutOf, jitterBatch } from './kernels/jitter.js';

export interface TrainStudentOptions
  extends Omit<TrainOptions, 'loss' | 'outputs' | 'extraParams' | 'transformBatch' | 'output' | 'input'> {
  /** The teacher; leave out for plain supervised training (fine-tuning). */
  teacher?: Model;
  /** Softening temperature (default 4). */
  temperature?: number;
  /** Weight of the soft-target term (default 0.9); 1 without labels. */
  alpha?: number;
  /** Intermediate values to match (MSE, with an adapter where widths differ). */
  features?: readonly FeaturePair[];
  /** Shift each training image by up to this many pixels (0: off). */
  jitter?: number;
}

export interface TrainStudentResult extends TrainResult {
  /** Parameters of the feature adapters (trained, then discarded). */
  adapterParameters: number;
}

function badOption(message: string, field: string): ConfigError {
  return new ConfigError(message, { code: 'distill/bad-option', field });
}

/** A batch transform shifting each image by up to `maxShift` pixels (seeded per step). */
export function jitterTransform(maxShift: number) {
  return (batch: TrainBatch, at: { seed: number }): TrainBatch => {
    const n = batch.shape[0]!;
    const layout = imageLayoutOf(batch.shape.slice(1));
    if (!layout)
      throw badOption(`jitter needs image inputs, got samples of shape [${batch.shape.slice(1).join(',')}]`, 'jitter');
    const input = jitterBatch(batch.input, n, layout, maxShift, seededRandom(deriveSeed(at.seed, 1)));
    // No indices: the shifted samples are new, so a teacher must not reuse its logits for them.
    return { input, shape: batch.shape, ...(batch.labels ? { labels: batch.labels } : {}) };
  };
}

/** Adapters sized from one probe batch through student and teacher. */
function probeAdapters(
  student: Model,
  teacher: Teacher,
  features: readonly FeaturePair[],
  probe: TrainBatch,
  seed: number,
): FeatureAdapter[] {
  const exe = compileGraph(student, { trainable: [], batchFromInput: true });
  try {
    const shapes = tf.tidy(() => {
      const x = tf.tensor(probe.input, probe.shape, 'float32');
      const s = exe.run({ [exe.inputNames[0]!]: x }, { outputs: features.map((f) => f.student) });
      const t = teacher.run(probe).values;
      return features.map((f) => [s[f.student]!.shape, t[f.teacher]!.shape] as const);
    });
    return features.map((f, i) =>
      createAdapter(f, shapes[i]![0], shapes[i]![1], seededRandom(deriveSeed(seed, 99, i))),
    );
  } finally {
    exe.dispose();
  }
}

/** Trains `student` in place against `teacher` (or the labels alone when there is no teacher). */
export async function trainStudent(student: Model, o: TrainStudentOptions): Promise<TrainStudentResult> {
  const { teacher: teacherModel, temperature = 4, alpha = 0.9, features = [], jitter = 0, ...rest } = o;
  if (!(temperature > 0)) throw badOption(`temperature must be > 0, got ${temperature}`, 'temperature');
  if (!(alpha >= 0 && alpha <= 1)) throw badOption(`alpha must be in [0, 1], got ${alpha}`, 'alpha');
  if (features.length > 0 && !teacherModel) throw badOption('feature distillation needs a teacher', 'features');
  const teacher = teacherModel
    ? modelTeacher(teacherModel, { outputs: features.map((f) => f.teacher), cache: jitter === 0 })
    : undefined;
  let adapters: FeatureAdapter[] = [];
  try {
    const probe = features.length > 0 ? o.data.batches(Math.min(o.batchSize, 8))[Symbol.iterator]().next() : undefined;
    if (teacher && probe && !probe.done) adapters = probeAdapters(student, teacher, features, probe.value, o.seed ?? 0);
    const loss: LossFn = teacher
      ? ({ logits, labels, outputs, batch }) => {
          const t = teacher.run(batch);
          const kd = kdLoss(logits, t.logits, { temperature, alpha, ...(labels ? { labels } : {}) });
          return adapters.length > 0 ? (kd.add(featureLoss(adapters, outputs, t.values)) as tf.Scalar) : kd;
        }
      : crossEntropyLoss;
    const extraParams = adapters.flatMap((a) => (a.weight ? [{ name: a.weight.name, variable: a.weight }] : []));
    const result = await train(student, {
      ...rest,
      optimizer: o.optimizer ?? { type: 'adam' },
      lr: o.lr ?? 1e-3,
      loss,
      outputs: features.map((f) => f.student),
      extraParams,
      ...(jitter > 0 ? { transformBatch: jitterTransform(jitter) } : {}),
    });
    return { ...result, adapterParameters: extraParams.reduce((s, p) => s + p.variable.size, 0) };
  } finally {
    for (const a of adapters) a.weight?.dispose();
    teacher?.dispose();
  }
}
