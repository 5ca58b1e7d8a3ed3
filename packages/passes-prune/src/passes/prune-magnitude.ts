// prune-magnitude: unstructured pruning of the smallest |w|; with `sensitivity`, each layer's
// sparsity comes from a sensitivity sweep's sensitivity.json instead of one shared rule.
import { definePass, loadSensitivity, sensitivityOption } from '@enxuto/pass';
import { z } from 'zod';
import { findPrunableLayers, matchesPattern } from '../graph/layers.js';
import { magnitudeScores } from '../kernels/masks.js';
import { selectionOptions } from '../selection.js';
import { overridesFromSensitivity } from '../sensitivity-sparsity.js';
import { runUnstructured, trainingOptions } from '../unstructured.js';

export const pruneMagnitudeOptions = z.strictObject({
  ...selectionOptions,
  ...trainingOptions,
  sensitivity: sensitivityOption,
});

export const pruneMagnitude = definePass({
  name: 'prune-magnitude',
  summary:
    'Zero the smallest-magnitude Conv/Gemm/MatMul weights (layer-wise or global threshold, or per-layer sparsity from a sensitivity sweep; optional gradual schedule with fine-tuning)',
  options: pruneMagnitudeOptions,
  inPlace: true,
  async run(model, o, ctx) {
    let overrides = o.overrides;
    if (o.sensitivity !== undefined) {
      const layers = findPrunableLayers(model.graph, o.ops).filter((l) => !o.exclude.some((p) => matchesPattern(l, p)));
      // The file sets every layer's sparsity (overall: `sparsity`, or the schedule's end); explicit overrides win.
      // A path is read through the context (confined, protected, in the cache key).
      const file = await loadSensitivity(o.sensitivity, 'prune', ctx);
      overrides = { ...overridesFromSensitivity(file, layers, o.schedule?.to ?? o.sparsity), ...o.overrides };
    }
    return runUnstructured(model, { ...o, overrides }, ctx, async (_m, layers) =>
      layers.map((l) => magnitudeScores(l.weight.const!.toFloat32())),
    );
  },
});
