import { describe, expect, it } from 'vitest';
import { getBackend } from '@enxuto/runtime/node';
import { randomConvNet, randomTensor } from '../graph/test-models.js';
import { checkLatency } from './latency-check.js';

describe('checkLatency', () => {
  it('flags a model that does ~100x the work of its source as slower, and not the reverse', async () => {
    const backend = getBackend('ort-node');
    const small = randomConvNet(4, 16, 1);
    const big = randomConvNet(128, 16, 1);
    const feeds = {
      x: { dtype: 'float32' as const, shape: [1, 3, 16, 16], data: randomTensor([1, 3, 16, 16], 1).toFloat32() },
    };
    const worse = await checkLatency(backend, small, big, feeds);
    expect(worse.slower).toBe(true);
    expect(worse.ratio).toBeGreaterThan(1.05);
    expect(worse.quantizedMs).toBeGreaterThan(worse.sourceMs);
    const better = await checkLatency(backend, big, small, feeds);
    expect(better.slower).toBe(false);
    expect(better.ratio).toBeLessThan(1);
  });
});
