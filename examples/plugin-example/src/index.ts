// example/clamp-weights: clamps every float32 weight to [-limit, limit].
// Replace the body of run() with your own pass; keep options as a zod object with defaults and
// descriptions, so `enxuto passes`, the JSON Schema and error messages know them.
import { float32Tensor, type Model } from '@enxuto/ir';
import { definePass, definePlugin } from '@enxuto/pass';
import { z } from 'zod';

export const clampWeights = definePass({
  name: 'example/clamp-weights',
  summary: 'Clamp every float32 weight to [-limit, limit]',
  options: z.strictObject({
    limit: z.number().positive().default(1).describe('largest absolute weight value kept'),
    minElements: z.number().int().min(0).default(0).describe('leave tensors with fewer elements than this alone'),
  }),
  // The pass edits the model it is given (false: it returns a new model and leaves its input alone).
  inPlace: true,
  async run(model: Model, options, ctx) {
    const g = model.graph;
    const weights = g.initializers().filter((v) => v.const?.dtype === 'float32' && v.const.size >= options.minElements);
    let clamped = 0;
    for (const [i, v] of weights.entries()) {
      ctx.throwIfAborted();
      const values = v.const!.toFloat32().map((x) => {
        const y = Math.min(options.limit, Math.max(-options.limit, x));
        if (y !== x) clamped++;
        return y;
      });
      g.setConst(v, float32Tensor([...v.const!.shape], values));
      ctx.progress.update(i + 1, weights.length);
    }
    ctx.logger.info(`clamped ${clamped} values`);
    return { model, changed: clamped > 0, stats: { clamped, tensors: weights.length } };
  },
});

export const plugin = definePlugin({ name: '@enxuto/plugin-example', passes: [clampWeights] });
