// prune-obd: Optimal Brain Damage — zero the weights of lowest saliency ½·h_kk·w², with the
// Hessian diagonal estimated per sample on a data batch (Gauss–Newton through the training runtime).
import { definePass, type PassContext } from '@enxuto/pass';
import { z } from 'zod';
import { obdSaliency } from '../kernels/obd.js';
import { fisherDiagonal } from '../training/hessian.js';
import { selectionOptions } from '../selection.js';
import { runUnstructured, trainingOptions } from '../unstructured.js';

export const pruneObdOptions = z.strictObject({
  ...selectionOptions,
  ...trainingOptions,
  samples: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(256)
    .describe('samples the Hessian diagonal is averaged over'),
  microBatch: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(1)
    .describe('samples per gradient (1 = one estimate per sample; larger is faster, noisier)'),
  fisher: z
    .enum(['gauss-newton', 'sampled', 'empirical'])
    .default('gauss-newton')
    .describe(
      "Hessian estimate: 'gauss-newton' (softmax cross-entropy Gauss–Newton diagonal, a random projection per sample: low variance), " +
        "'sampled' (Fisher with one label per sample drawn from the model: same expectation, much noisier on a confident model), " +
        "'empirical' (Fisher with the data labels: near zero on samples the model fits)",
    ),
});

function hessianData(ctx: PassContext) {
  return ctx.data.calibration ?? ctx.dataset('training');
}

export const pruneObd = definePass({
  name: 'prune-obd',
  summary: 'Optimal Brain Damage: zero the weights of lowest saliency ½·h·w² (Hessian diagonal from data)',
  options: pruneObdOptions,
  needs: ['data'],
  inPlace: true,
  run: (model, o, ctx) =>
    runUnstructured(model, o, ctx, async (m, layers) => {
      const names = layers.map((l) => l.weight.name);
      const h = fisherDiagonal(m, names, hessianData(ctx), {
        samples: o.samples,
        microBatch: o.microBatch,
        fisher: o.fisher,
        seed: ctx.seed,
        signal: ctx.signal,
      });
      return layers.map((l) => obdSaliency(l.weight.const!.toFloat32(), h.get(l.weight.name)!));
    }),
});
