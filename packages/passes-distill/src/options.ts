// Option schemas shared by `distill` and `finetune`.
import { z } from 'zod';
import type { LrSchedule, OptimizerSpec } from '@enxuto/train';

export const trainingOptions = {
  epochs: z.number().int().min(0).max(10_000).default(5).describe('passes over the training data'),
  batchSize: z.number().int().min(1).max(65_536).default(64).describe('samples per optimizer step'),
  optimizer: z.enum(['adam', 'sgd']).default('adam').describe('Adam, or SGD with momentum 0.9'),
  lr: z.number().positive().default(1e-3).describe('learning rate (the start of the schedule)'),
  schedule: z.enum(['constant', 'cosine']).default('constant').describe('learning-rate schedule over the epochs'),
  jitter: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(0)
    .describe('shift training images by up to this many pixels (image inputs only)'),
  keepZeros: z.boolean().default(true).describe('weights that are exactly zero (pruned) stay zero while training'),
};

export function optimizerOf(name: 'adam' | 'sgd'): OptimizerSpec {
  return name === 'adam' ? { type: 'adam' } : { type: 'sgd', momentum: 0.9 };
}

export function scheduleOf(kind: 'constant' | 'cosine', lr: number): number | LrSchedule {
  return kind === 'cosine' ? { type: 'cosine', lr } : lr;
}
