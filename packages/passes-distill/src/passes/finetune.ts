// The `finetune` pass: plain supervised training of the current model on the training data, with
// pruned (zero) weights kept at zero; pruning runs it to win back accuracy.
import { countParameters, type Model } from '@enxuto/ir';
import { definePass, type PassContext } from '@enxuto/pass';
import { z } from 'zod';
import { trainStudent } from '../student-training.js';
import { zeroMasks } from '../graph/masks.js';
import { optimizerOf, scheduleOf, splitTraining, trainingOptions } from '../options.js';

// A converged model: a small, scale-free step (Adam 1e-4) that cannot wreck it in the first epochs.
export const finetuneOptions = z.strictObject({
  ...trainingOptions,
  epochs: trainingOptions.epochs.default(10),
  lr: trainingOptions.lr.default(1e-4),
});
export type FinetuneOptions = z.output<typeof finetuneOptions>;

export const finetune = definePass({
  name: 'finetune',
  summary: 'supervised fine-tuning on the training data (pruned weights stay zero)',
  options: finetuneOptions,
  needs: ['data', 'training'],
  inPlace: true,
  async run(model: Model, o: FinetuneOptions, ctx: PassContext) {
    const masks = o.keepZeros ? zeroMasks(model) : new Map<string, Uint8Array>();
    const result = await trainStudent(model, {
      // The starting weights are a baseline: a run that makes the held-out loss worse keeps them.
      ...splitTraining(ctx.dataset('training'), o, ctx.seed, true),
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: ctx.seed,
      optimizer: optimizerOf(o.optimizer),
      lr: scheduleOf(o.schedule, o.lr),
      jitter: o.jitter,
      masks,
      signal: ctx.signal,
      onProgress: ({ phase, epoch, loss }) =>
        phase === 'epoch' && ctx.progress.update(epoch + 1, o.epochs, `loss ${loss.toFixed(4)}`),
    });
    const last = result.history.at(-1);
    return {
      model,
      changed: o.epochs > 0,
      stats: {
        epochs: result.history.length,
        ...(result.bestEpoch !== undefined ? { bestEpoch: result.bestEpoch + 1 } : {}),
        maskedWeights: masks.size,
        nonZeroParameters: countParameters(model).nonZero,
        ...(last
          ? { finalLoss: last.loss, ...(last.accuracy !== undefined ? { trainAccuracy: last.accuracy } : {}) }
          : {}),
      },
    };
  },
});
