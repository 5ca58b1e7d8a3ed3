import { float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { describe, expect, it } from 'vitest';
import { clampWeights, plugin } from './index.js';

const context = () => testPassContext({ passName: 'example/clamp-weights' });

function model(): Model {
  const g = new Graph('test');
  const x = g.addInput('x', tensorType('float32', [1, 2]));
  const w = g.addInitializer('w', float32Tensor([2, 2], [-3, 0.5, 2, -0.25]));
  const mm = g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] });
  g.setOutputs([mm.output(0)]);
  return new Model(g);
}

describe('example/clamp-weights', () => {
  it('clamps weights to the limit and reports how many', async () => {
    const options = clampWeights.options.parse({ limit: 1 });
    const r = await clampWeights.run(model(), options, context());
    expect(Array.from(r.model.graph.value('w')!.const!.toFloat32())).toEqual([-1, 0.5, 1, -0.25]);
    expect(r.stats).toEqual({ clamped: 2, tensors: 1 });
    expect(r.changed).toBe(true);
  });

  it('has defaults for every option and rejects bad values', () => {
    expect(clampWeights.options.parse({})).toEqual({ limit: 1, minElements: 0 });
    expect(clampWeights.options.safeParse({ limit: -1 }).success).toBe(false);
  });

  it('is exported as a plugin', () => {
    expect(plugin.passes.map((p) => p.name)).toEqual(['example/clamp-weights']);
  });
});
