import { checkModel, opHistogram } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { quantizeDynamicPass } from './quantize-dynamic.js';

const model = mnistModel();

describe('quantize-dynamic on mnist-8', () => {
  it('int8 weights on the MatMul, activations at run time, float accuracy', async () => {
    const r = await quantizeDynamicPass.run(model, quantizeDynamicPass.options.parse({}), mnistPassContext({}));
    checkModel(r.model);
    expect(r.changed).toBe(true);
    expect(r.stats.layers).toEqual([
      { name: 'Times212', opType: 'MatMul', quantError: expect.any(Number), precision: 'int8-dynamic' },
    ]);
    expect(opHistogram(r.model).MatMulInteger).toBe(1);
    expect(Math.abs((await mnistAccuracy(r.model)) - (await mnistAccuracy(model)))).toBeLessThanOrEqual(0.005);
  });
});
