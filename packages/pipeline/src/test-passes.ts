// Passes used by the pipeline tests: tiny, deterministic, written with the public API.
import { float32Tensor, type Model } from '@enxuto/ir';
import { z } from 'zod';
import { definePass } from '@enxuto/pass';

/** Multiplies every float32 initializer by `factor` (changes outputs: lets gates fail). */
export const scaleWeights = definePass({
  name: 'scale-weights',
  summary: 'Multiply every float32 weight by a factor',
  options: z.strictObject({
    factor: z.number().min(0).max(10).default(1).describe('the multiplier'),
    mode: z.enum(['all', 'none']).default('all').describe('which weights to scale'),
  }),
  async run(model: Model, options, ctx) {
    let n = 0;
    const g = model.graph;
    const inits = g.initializers().filter((v) => v.const!.dtype === 'float32');
    for (const [i, v] of inits.entries()) {
      ctx.throwIfAborted();
      ctx.progress.update(i + 1, inits.length);
      if (options.mode === 'none') continue;
      const vals = v.const!.toFloat32().map((x) => x * options.factor);
      g.setConst(v, float32Tensor([...v.const!.shape], vals));
      n++;
    }
    return {
      model,
      changed: n > 0 && options.factor !== 1,
      stats: { scaled: n, layers: inits.map((v) => ({ name: v.name, sparsity: 0 })) },
    };
  },
});

/** Adds seeded noise (from ctx.rng) to every float32 weight: shows determinism per seed. */
export const addNoise = definePass({
  name: 'add-noise',
  summary: 'Add seeded uniform noise to every float32 weight',
  options: z.strictObject({ amount: z.number().min(0).default(1e-3).describe('noise amplitude') }),
  async run(model: Model, options, ctx) {
    const g = model.graph;
    for (const v of g.initializers()) {
      if (v.const!.dtype !== 'float32') continue;
      const vals = v.const!.toFloat32().map((x) => x + (ctx.rng.next() - 0.5) * options.amount);
      g.setConst(v, float32Tensor([...v.const!.shape], vals));
    }
    return { model, changed: true, stats: {} };
  },
});

/** Waits until aborted (for Ctrl-C tests); calls `onStart` first so a test can fire the abort. */
export function blockingPass(onStart: () => void) {
  return definePass({
    name: 'wait-forever',
    summary: 'Wait until the run is interrupted',
    async run(model, _options, ctx) {
      onStart();
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.throwIfAborted();
      return { model, changed: false, stats: {} };
    },
  });
}
