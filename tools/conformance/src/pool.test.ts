import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { listCases } from './cases.js';
import { runPool } from './pool.js';

describe('worker pool', () => {
  it('checks cases in 2 child processes and returns results in case order', async () => {
    const all = listCases(sharedPath('conformance', 'onnx-backend'));
    const picked = ['test_abs', 'test_add', 'test_relu', 'test_sigmoid'].map((n) => all.find((c) => c.name === n)!);
    const seen: number[] = [];
    const results = await runPool(picked, { workers: 2, timeoutMs: 60_000, onResult: (_, done) => seen.push(done) });
    expect(results.map((r) => r.name)).toEqual(['test_abs', 'test_add', 'test_relu', 'test_sigmoid']);
    expect(seen).toEqual([1, 2, 3, 4]);
    for (const r of results) {
      expect(r).toMatchObject({
        read: 'ok',
        write: 'ok',
        stable: true,
        original: { status: 'pass' },
        copy: { status: 'pass' },
      });
    }
  });

  it('records a case that overruns its time limit and carries on with a fresh worker', async () => {
    const all = listCases(sharedPath('conformance', 'onnx-backend'));
    const picked = ['test_abs', 'test_relu'].map((n) => all.find((c) => c.name === n)!);
    // 1 ms is far too short for any case: both time out, the second on a replacement worker.
    const results = await runPool(picked, { workers: 1, timeoutMs: 1 });
    expect(results.map((r) => [r.name, r.read, r.detail])).toEqual([
      ['test_abs', 'crash', 'timeout after 1 ms'],
      ['test_relu', 'crash', 'timeout after 1 ms'],
    ]);
  });
});
