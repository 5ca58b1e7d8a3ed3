import { checkModel, opHistogram } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { convertFloat16Pass } from './convert-float16.js';

const model = mnistModel();

describe('convert-float16 on mnist-8', () => {
  it('convert-float16 halves the weights and keeps the accuracy', async () => {
    const r = await convertFloat16Pass.run(model, convertFloat16Pass.options.parse({}), mnistPassContext({}));
    checkModel(r.model);
    expect(r.model.graph.initializers().filter((v) => v.const!.dtype === 'float32' && v.const!.size > 8)).toEqual([]);
    expect(opHistogram(r.model).Cast).toBe(2);
    expect(r.model.graph.inputs[0]!.dtype).toBe('float32');
    expect(Math.abs((await mnistAccuracy(r.model)) - (await mnistAccuracy(model)))).toBeLessThanOrEqual(0.002);
  });
});
