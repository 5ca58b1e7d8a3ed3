import type { Model } from '@enxuto/ir';
import { createDataset } from '@enxuto/pass';
import { testPassContext } from '@enxuto/pass/testing';
import { initBackend } from '@enxuto/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { gemmMlp, seeded } from '../test-models.js';
import { pruneObd, pruneObdOptions } from './prune-obd.js';

const weights = (m: Model, name: string) => [...m.graph.value(name)!.const!.toFloat32()];
const zeros = (v: number[]) => v.filter((x) => x === 0).length;

/** 32 seeded samples of 4 features with labels 0..2 (what gemmMlp reads and outputs). */
function samples() {
  const rnd = seeded(11);
  const xs = Array.from({ length: 32 }, () => Float32Array.from({ length: 4 }, () => rnd() * 2 - 1));
  return createDataset({
    description: 'seeded',
    size: 32,
    shape: [4],
    hasLabels: true,
    numClasses: 3,
    sample: (i) => ({ input: xs[i]!, label: i % 3 }),
  });
}

describe('prune-obd', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('prunes each layer to its target by saliency from the calibration data', async () => {
    const m = gemmMlp();
    const r = await pruneObd.run(
      m,
      pruneObdOptions.parse({ sparsity: 0.5, scope: 'layer', firstLayer: 1, lastLayer: 1, samples: 32 }),
      testPassContext({ data: { calibration: samples() } }),
    );
    expect(r.changed).toBe(true);
    expect([zeros(weights(m, 'fc1.w')), zeros(weights(m, 'fc2.w')), zeros(weights(m, 'fc3.w'))]).toEqual([16, 32, 12]);
    expect((r.stats.layers as { name: string }[]).map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
  });

  it('names the missing data role', async () => {
    await expect(pruneObd.run(gemmMlp(), pruneObdOptions.parse({}), testPassContext())).rejects.toMatchObject({
      code: 'config/missing-data',
      field: 'data.training',
    });
  });
});
