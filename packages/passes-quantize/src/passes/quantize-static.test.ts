import { checkModel } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { calibrationDigits, mnistAccuracy, mnistModel, mnistPassContext } from '../../test/mnist-fixtures.js';
import { quantizeStaticPass } from './quantize-static.js';

const model = mnistModel();

describe('quantize-static on mnist-8', () => {
  it('quantize-static reports layers and progress', async () => {
    const progress: [number, number][] = [];
    const ctx = mnistPassContext({ calibration: calibrationDigits(64) }, progress);
    const r = await quantizeStaticPass.run(model, quantizeStaticPass.options.parse({ calibrationSamples: 64 }), ctx);
    checkModel(r.model);
    expect(r.changed).toBe(true);
    expect((r.stats.layers as { name: string; precision: string }[]).map((l) => l.name)).toEqual([
      'Convolution110',
      'Times212',
    ]);
    expect(progress.at(-1)).toEqual([64, 64]);
    expect(progress.length).toBe(64); // one update per batch of 1 (the model's batch dim is fixed at 1)
    expect(await mnistAccuracy(r.model)).toBeGreaterThan(0.98);
    // the report says how the quantized model's latency compares with its source's
    const latency = r.stats.latency as { sourceMs: number; quantizedMs: number; ratio: number; slower: boolean };
    expect(latency.sourceMs).toBeGreaterThan(0);
    expect(latency.ratio).toBeCloseTo(latency.quantizedMs / latency.sourceMs, 0);
    expect(typeof latency.slower).toBe('boolean');
    const off = await quantizeStaticPass.run(
      model,
      quantizeStaticPass.options.parse({ calibrationSamples: 8, latencyCheck: false }),
      mnistPassContext({ calibration: calibrationDigits(8) }),
    );
    expect(off.stats.latency).toBeUndefined();
  });
});
