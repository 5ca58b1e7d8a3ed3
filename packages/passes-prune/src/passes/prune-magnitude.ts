// prune-magnitude: unstructured pruning of the smallest |w|.
import { definePass } from '@enxuto/pipeline';
import { z } from 'zod';
import { magnitudeScores } from '../kernels/masks.js';
import { selectionOptions } from '../selection.js';
import { runUnstructured, trainingOptions } from './unstructured.js';

export const pruneMagnitudeOptions = z.strictObject({ ...selectionOptions, ...trainingOptions });

export const pruneMagnitude = definePass({
  name: 'prune-magnitude',
  summary:
    'Zero the smallest-magnitude Conv/Gemm/MatMul weights (layer-wise or global threshold, optional gradual schedule with fine-tuning)',
  options: pruneMagnitudeOptions,
  run: (model, o, ctx) =>
    runUnstructured(model, o, ctx, async (_m, layers) =>
      layers.map((l) => magnitudeScores(l.weight.const!.toFloat32())),
    ),
});
