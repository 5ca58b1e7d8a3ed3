import { float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDataset } from './dataset.js';
import { definePass } from './define.js';
import type { InferenceBackend } from './runtime.js';
import { testPassContext } from './testing.js';

const ones = createDataset({
  description: 'ones',
  size: 3,
  shape: [4],
  hasLabels: false,
  sample: () => ({ input: new Float32Array(4).fill(1) }),
});

function matmulModel(): Model {
  const g = new Graph('test');
  const x = g.addInput('x', tensorType('float32', [1, 2]));
  const w = g.addInitializer('w', float32Tensor([2, 2], [-3, 0.5, 2, -0.25]));
  g.setOutputs([g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] }).output(0)]);
  return new Model(g);
}

describe('testPassContext', () => {
  it('hands out the given datasets and names a missing role', () => {
    const ctx = testPassContext({ data: { calibration: ones }, seed: 7 });
    expect(ctx.dataset('calibration')).toBe(ones);
    expect(() => ctx.dataset('training')).toThrowError(
      expect.objectContaining({ code: 'config/missing-data', field: 'data.training' }),
    );
    expect(ctx.seed).toBe(7);
    expect(ctx.runtime).toBeUndefined();
  });

  it('is seeded and honours its abort signal', () => {
    const a = testPassContext({ seed: 3 }).rng.next();
    expect(testPassContext({ seed: 3 }).rng.next()).toBe(a);
    expect(testPassContext({ seed: 4 }).rng.next()).not.toBe(a);
    const ac = new AbortController();
    const ctx = testPassContext({ signal: ac.signal });
    ctx.throwIfAborted();
    ac.abort();
    expect(() => ctx.throwIfAborted()).toThrow();
  });

  it('passes an injected runtime through to the pass', () => {
    const runtime: InferenceBackend = {
      name: 'ort-web',
      createSession: () => Promise.reject(new Error('not used')),
    };
    expect(testPassContext({ runtime }).runtime).toBe(runtime);
  });

  it('runs a pass on a model built in code', async () => {
    const negate = definePass({
      name: 'acme/negate-weights',
      summary: 'Negate every float32 weight',
      options: z.strictObject({ factor: z.number().default(-1).describe('multiplier') }),
      inPlace: true,
      async run(model, options, ctx) {
        const g = model.graph;
        for (const [i, v] of g.initializers().entries()) {
          ctx.throwIfAborted();
          ctx.progress.update(i + 1, g.initializers().length);
          ctx.logger.info(`negating ${v.name}`);
          g.setConst(
            v,
            float32Tensor(
              [...v.const!.shape],
              v.const!.toFloat32().map((x) => x * options.factor),
            ),
          );
        }
        return { model, changed: true, stats: { tensors: g.initializers().length } };
      },
    });
    const updates: [number, number][] = [];
    const lines: string[] = [];
    const ctx = testPassContext({
      progress: { update: (d, t) => updates.push([d, t]) },
      logger: { debug() {}, info: (m) => lines.push(m), warn() {} },
    });
    const r = await negate.run(matmulModel(), negate.options.parse({}), ctx);
    expect(Array.from(r.model.graph.value('w')!.const!.toFloat32())).toEqual([3, -0.5, -2, 0.25]);
    expect(r.stats).toEqual({ tensors: 1 });
    expect(updates).toEqual([[1, 1]]);
    expect(lines).toEqual(['negating w']);
  });
});
