// The `distill` pass: trains a student on the soft targets of a teacher (Hinton et al. 2015),
// optionally matching intermediate features. Teacher: the pipeline's current model or a model
// file. Student: derived from the teacher by shrinking hidden widths, a model file, or the
// current model itself (self-distillation to recover accuracy after pruning or quantization).
import { cloneModel, countParameters, type Model } from '@enxuto/ir';
import { definePass, fileOption, type PassContext } from '@enxuto/pass';
import { readOnnx } from '@enxuto/onnx';
import { z } from 'zod';
import { trainStudent } from '../student-training.js';
import { zeroMasks } from '../graph/masks.js';
import { optimizerOf, scheduleOf, splitTraining, trainingOptions } from '../options.js';
import { shrinkWidths, type ShrunkLayer } from '../graph/shrink-widths.js';

const studentSchema = z
  .union([
    z.literal('self').describe('the current model, trained against the teacher (self-distillation)'),
    z.strictObject({
      widthMultiplier: z
        .number()
        .gt(0)
        .max(1)
        .describe('hidden Gemm/MatMul/Conv widths times this, freshly initialised'),
    }),
    z.strictObject({ path: fileOption('an ONNX student model file') }),
  ])
  .default({ widthMultiplier: 0.5 })
  .describe("the student: 'self', { widthMultiplier }, or { path }");

export const distillOptions = z.strictObject({
  teacher: fileOption('teacher ONNX model file, default: the current model').optional(),
  student: studentSchema,
  temperature: z.number().gt(0).max(1000).default(4).describe('softening temperature T'),
  alpha: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('weight of the soft-target term; 1 - alpha goes to the labels (alpha = 1 without labels)'),
  features: z
    .array(
      z.strictObject({
        teacher: z.string().min(1).describe('value name in the teacher'),
        student: z.string().min(1).describe('value name in the student'),
        weight: z.number().min(0).default(1).describe('weight of this pair in the loss'),
      }),
    )
    .max(64)
    .default([])
    .describe(
      'intermediate values to match (MSE; a learned linear / 1x1 adapter bridges different widths and is discarded)',
    ),
  ...trainingOptions,
  // A fresh student learns from scratch: a larger step than fine-tuning (1e-3 stopped 0.5 point short in 30 epochs).
  lr: trainingOptions.lr.default(2e-3),
});

export type DistillOptions = z.output<typeof distillOptions>;

/** Model files named in the options, read through the context (confined, protected, in the cache key). */
async function pickModels(model: Model, o: DistillOptions, ctx: PassContext) {
  const load = async (path: string, field: string) => readOnnx(await ctx.readFile(path, field), { file: path });
  const teacher = o.teacher ? await load(o.teacher, 'teacher') : cloneModel(model);
  let student: Model;
  let layers: ShrunkLayer[] = [];
  let kept: { node: string; reason: string }[] = [];
  if (o.student === 'self') student = model;
  else if ('path' in o.student) student = await load(o.student.path, 'student.path');
  else {
    const r = shrinkWidths(teacher, { widthMultiplier: o.student.widthMultiplier, seed: ctx.seed });
    student = r.model;
    layers = r.layers;
    kept = r.kept;
  }
  return { teacher, student, layers, kept };
}

export const distill = definePass({
  name: 'distill',
  summary: "train a smaller (or the same) model on a teacher's soft targets and features",
  options: distillOptions,
  needs: ['data', 'training'],
  // 'self' trains the current model itself; other students leave it untouched.
  inPlace: true,
  async run(model: Model, o: DistillOptions, ctx: PassContext) {
    const data = ctx.dataset('training');
    const { teacher, student, layers, kept } = await pickModels(model, o, ctx);
    for (const k of kept) ctx.logger.warn(`distill: ${k.node} keeps its width: ${k.reason}`);
    const before = countParameters(teacher).total;
    const result = await trainStudent(student, {
      teacher,
      // A model trained against itself keeps its starting weights when no epoch beats them.
      ...splitTraining(data, o, ctx.seed, o.student === 'self'),
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: ctx.seed,
      optimizer: optimizerOf(o.optimizer),
      lr: scheduleOf(o.schedule, o.lr),
      temperature: o.temperature,
      alpha: data.hasLabels ? o.alpha : 1,
      features: o.features,
      jitter: o.jitter,
      ...(o.keepZeros ? { masks: zeroMasks(student) } : {}),
      signal: ctx.signal,
      onProgress: ({ phase, stats: s }) => {
        if (phase !== 'epoch' || !s) return;
        ctx.progress.update(s.epoch + 1, o.epochs, `loss ${s.loss.toFixed(4)}`);
        ctx.logger.info(
          `distill epoch ${s.epoch + 1}/${o.epochs}: loss ${s.loss.toFixed(4)}${s.accuracy !== undefined ? `, train accuracy ${(s.accuracy * 100).toFixed(2)} %` : ''}${s.valAccuracy !== undefined ? `, held-out accuracy ${(s.valAccuracy * 100).toFixed(2)} %` : ''}`,
        );
      },
    });
    const last = result.history.at(-1);
    return {
      model: student,
      changed: o.epochs > 0 || o.student !== 'self',
      stats: {
        teacherParameters: before,
        studentParameters: countParameters(student).total,
        epochs: result.history.length,
        ...(result.bestEpoch !== undefined ? { bestEpoch: result.bestEpoch + 1 } : {}),
        ...(last
          ? { finalLoss: last.loss, ...(last.accuracy !== undefined ? { trainAccuracy: last.accuracy } : {}) }
          : {}),
        adapterParameters: result.adapterParameters,
        ...(layers.length > 0 ? { shrunk: layers } : {}),
      },
    };
  },
});
