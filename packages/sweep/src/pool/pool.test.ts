// The pool on its own, with one worker process: a trial stopped at its timeout has its process
// killed, and the next trial goes to a fresh process, not to the one still dying (whose IPC pipe
// is gone: sending to it failed with EPIPE, unhandled).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WAIT_TRIAL } from '../../test/fixtures.js';
import type { TrialJob } from '../trial.js';
import { TrialPool } from './pool.js';

const dir = mkdtempSync(join(tmpdir(), 'enxuto-pool-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const job = (seed: number, timeoutMs: number) =>
  ({
    key: `k${seed}`,
    id: `k${seed}`,
    settings: { seed },
    trialDir: join(dir, String(seed)),
    timeoutMs,
  }) as unknown as TrialJob;

describe('trial pool', () => {
  it('runs the trial after a timed-out one on a fresh process', async () => {
    const pool = new TrialPool({ size: 1, trialModule: WAIT_TRIAL, env: { ENXUTO_TEST_WAIT_MS: '1500' } });
    try {
      await pool.start();
      const stopped = await pool.run(job(1, 200));
      expect(stopped.outcome.status).toBe('timeout');
      for (const seed of [2, 3]) {
        const next = await pool.run(job(seed, 60_000));
        expect(next.outcome.status).toBe('passed');
        expect(next.outcome.model).toBe(join(dir, String(seed), 'model.onnx'));
      }
    } finally {
      await pool.close();
    }
  });
});
