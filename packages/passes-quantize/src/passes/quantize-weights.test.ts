import { checkModel } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { quantizeWeightsPass } from './quantize-weights.js';

const model = mnistModel();

describe('quantize-weights on mnist-8', () => {
  it('int8 and int4 weights, float compute, float accuracy', async () => {
    const base = await mnistAccuracy(model);
    for (const [bits, precision] of [
      [8, 'int8-weights'],
      [4, 'int4-weights'],
    ] as const) {
      const r = await quantizeWeightsPass.run(
        model,
        quantizeWeightsPass.options.parse({ bits, blockSize: 16 }),
        mnistPassContext({}),
      );
      checkModel(r.model);
      expect(r.changed).toBe(true);
      const layers = r.stats.layers as { precision: string; quantError: number }[];
      expect(layers.length).toBeGreaterThan(0);
      for (const l of layers) {
        expect(l.precision).toBe(precision);
        expect(l.quantError).toBeGreaterThanOrEqual(0);
      }
      expect(Math.abs((await mnistAccuracy(r.model)) - base), `${bits} bits`).toBeLessThanOrEqual(0.005);
    }
  });
});
