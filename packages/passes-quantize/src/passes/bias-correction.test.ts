import { describe, expect, it } from 'vitest';
import { calibrationDigits, mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { biasCorrectionPass } from './bias-correction.js';

const model = mnistModel();

describe('bias-correction on mnist-8', () => {
  it('corrects three layers and keeps the accuracy', async () => {
    const base = await mnistAccuracy(model);
    const b = await biasCorrectionPass.run(
      model,
      biasCorrectionPass.options.parse({ calibrationSamples: 32 }),
      mnistPassContext({ calibration: calibrationDigits(32) }),
    );
    expect((b.stats.layers as unknown[]).length).toBe(3);
    expect(Math.abs((await mnistAccuracy(b.model)) - base)).toBeLessThanOrEqual(0.002);
  });
});
