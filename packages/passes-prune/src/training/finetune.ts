// Fine-tuning between pruning steps: the training runtime with masks that keep pruned weights at
// exactly zero, optionally distilling from the unpruned model (Hinton et al. soft targets).
import type { Model } from '@enxuto/ir';
import type { PassContext } from '@enxuto/pass';
import { distillationLoss, train, withHeldOut, type BatchSource, type Teacher, type TrainResult } from '@enxuto/train';
import { z } from 'zod';

export const finetuneSchema = z
  .strictObject({
    epochs: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(2)
      .describe('fine-tuning epochs after each pruning step but the last'),
    finalEpochs: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(10)
      .describe('most fine-tuning epochs after the last step (stopped early when validation loss stops improving)'),
    patience: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .describe('epochs without a better validation loss before fine-tuning stops'),
    validation: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.1)
      .describe(
        'share of the training data held out to stop early and to keep the weights a fine-tuning run started from when no epoch beats them (0: no hold-out, every epoch runs)',
      ),
    batchSize: z.number().int().min(1).max(65536).default(64).describe('samples per step'),
    lr: z
      .number()
      .positive()
      .default(3e-4)
      .describe(
        'learning rate (cosine decay over each fine-tuning run); with Adam it does not depend on the input scale, and a run that makes the held-out loss worse keeps its starting weights',
      ),
    optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Adam, or SGD with momentum 0.9'),
    weightDecay: z.number().min(0).default(0).describe('L2 weight decay'),
  })
  .describe(
    'fine-tuning after pruning (needs a `training` dataset); on by default when one is given (`{ epochs: 0, finalEpochs: 0 }` turns it off)',
  );
export type FinetuneOptions = z.output<typeof finetuneSchema>;

export const distillSchema = z
  .strictObject({
    temperature: z.number().positive().default(4).describe('softening temperature'),
    alpha: z.number().min(0).max(1).default(0.9).describe('weight of the soft targets (the rest: hard labels)'),
  })
  .describe('distil from the unpruned model while fine-tuning');
export type DistillOptions = z.output<typeof distillSchema>;

export interface FinetuneRun {
  data: BatchSource;
  /** Held-out samples: early stopping and the starting weights as a baseline. */
  validation?: BatchSource;
  masks: ReadonlyMap<string, Uint8Array>;
  options: FinetuneOptions;
  epochs: number;
  seed: number;
  teacher?: Teacher;
  distill?: DistillOptions;
  signal?: AbortSignal;
}

/** Trains `model` in place with pruned weights held at zero. */
export async function finetune(model: Model, run: FinetuneRun): Promise<TrainResult> {
  const o = run.options;
  const loss = run.teacher
    ? distillationLoss({
        teacherLogits: (b) => run.teacher!.logits(b),
        // Without options, distillationLoss's defaults (T 4, alpha 0.9), as the distill pass has.
        ...(run.distill ? { temperature: run.distill.temperature, alpha: run.distill.alpha } : {}),
      })
    : undefined;
  return train(model, {
    data: run.data,
    epochs: run.epochs,
    batchSize: o.batchSize,
    seed: run.seed,
    lr: run.epochs > 1 ? { type: 'cosine', lr: o.lr, minLr: o.lr * 0.05 } : o.lr,
    optimizer:
      o.optimizer === 'adam'
        ? { type: 'adam', weightDecay: o.weightDecay }
        : { type: 'sgd', momentum: 0.9, weightDecay: o.weightDecay },
    masks: run.masks,
    ...(run.validation
      ? { validation: run.validation, earlyStop: { patience: o.patience, baseline: true, restoreBest: true } }
      : {}),
    ...(loss ? { loss } : {}),
    ...(run.signal ? { signal: run.signal } : {}),
  });
}

/** The training samples and, with `validation` > 0, a seeded held-out share of them. */
export function finetuneData(ctx: PassContext, o: FinetuneOptions): { data: BatchSource; validation?: BatchSource } {
  const { data, validation } = withHeldOut(ctx.dataset('training'), { ...o, seed: ctx.seed });
  return validation ? { data, validation } : { data };
}
