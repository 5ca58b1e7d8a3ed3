import { describe, expect, it } from 'vitest';
import { mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { equalizeCrossLayerPass } from './equalize-cross-layer.js';

const model = mnistModel();

describe('equalize-cross-layer on mnist-8', () => {
  it('keeps the float function', async () => {
    const base = await mnistAccuracy(model);
    const e = await equalizeCrossLayerPass.run(model, equalizeCrossLayerPass.options.parse({}), mnistPassContext({}));
    expect((e.stats.pairs as unknown[]).length).toBe(2);
    expect(await mnistAccuracy(e.model)).toBe(base);
  });
});
