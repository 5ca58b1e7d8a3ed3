// Option schemas shared by `distill` and `finetune`.
import { z } from 'zod';
import type { Dataset } from '@enxuto/pass';
import { type LrSchedule, type OptimizerSpec, withHeldOut } from '@enxuto/train';

export const trainingOptions = {
  epochs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(30)
    .describe('most passes over the training data (fewer when the held-out loss stops improving)'),
  patience: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(3)
    .describe('epochs without a lower held-out loss before training stops (the best epoch is kept)'),
  validation: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe(
      'share of the (labelled) training data held out to choose the epoch; 0: every epoch runs, the last is kept',
    ),
  batchSize: z.number().int().min(1).max(65_536).default(64).describe('samples per optimizer step'),
  optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Adam, or SGD with momentum 0.9'),
  lr: z.number().positive().default(1e-3).describe('learning rate (the start of the schedule)'),
  schedule: z.enum(['constant', 'cosine']).default('cosine').describe('learning-rate schedule over the epochs'),
  jitter: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(0)
    .describe('shift training images by up to this many pixels (image inputs only)'),
  keepZeros: z.boolean().default(true).describe('weights that are exactly zero (pruned) stay zero while training'),
};

/**
 * Training samples and, when asked for and labelled, a seeded held-out share for early stopping
 * (`withHeldOut`; with `baseline`, the starting weights when no epoch beats them).
 */
export function splitTraining(
  data: Dataset,
  o: { validation: number; patience: number },
  seed: number,
  baseline = false,
): ReturnType<typeof withHeldOut> {
  if (!data.hasLabels || data.size < 20) return { data };
  return withHeldOut(data, { validation: o.validation, patience: o.patience, seed, baseline });
}

export function optimizerOf(name: 'adam' | 'sgd'): OptimizerSpec {
  return name === 'adam' ? { type: 'adam' } : { type: 'sgd', momentum: 0.9 };
}

export function scheduleOf(kind: 'constant' | 'cosine', lr: number): number | LrSchedule {
  // Down to 5 %, not 0: the last epoch still learns.
  return kind === 'cosine' ? { type: 'cosine', lr, minLr: lr * 0.05 } : lr;
}
