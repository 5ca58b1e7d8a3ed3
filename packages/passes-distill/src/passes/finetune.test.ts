import { float32Tensor } from '@enxuto/ir';
import { testPassContext } from '@enxuto/pass/testing';
import { initBackend } from '@enxuto/train/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel } from '../graph/mlp.js';
import { argmaxDataset } from '../test-models.js';
import { finetune } from './finetune.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = argmaxDataset();

describe('finetune pass', () => {
  it('trains the current model in place and keeps pruned weights at zero', async () => {
    const model = mlpModel({ inputs: 4, hidden: [8], classes: 4, seed: 5 });
    const g = model.graph;
    const w = g.value('fc0.weight')!;
    const pruned = Float32Array.from(w.const!.toFloat32(), (x, i) => (i % 2 ? 0 : x));
    g.setConst(w, float32Tensor([...w.const!.shape], pruned));
    const r = await finetune.run(
      model,
      finetune.options.parse({ epochs: 1, batchSize: 16 }),
      testPassContext({ data: { training: data } }),
    );
    expect(finetune.inPlace).toBe(true);
    expect(r.model).toBe(model);
    expect(r.changed).toBe(true);
    expect(r.stats).toMatchObject({ epochs: 1, maskedWeights: 1 });
    const after = r.model.graph.value('fc0.weight')!.const!.toFloat32();
    after.forEach((x, i) => {
      if (i % 2) expect(x).toBe(0);
    });
    expect(Array.from(after)).not.toEqual(Array.from(pruned));
  });

  it('names the missing training data', async () => {
    const model = mlpModel({ inputs: 4, hidden: [8], classes: 4 });
    await expect(finetune.run(model, finetune.options.parse({}), testPassContext())).rejects.toMatchObject({
      code: 'config/missing-data',
      field: 'data.training',
    });
  });
});
