// The local engine on trials that only wait: every trial recorded once, both worker processes
// used, a crashed or timed-out trial recorded as such without losing the others.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepFolder, WAIT_TRIAL } from '../../test/fixtures.js';
import { runSweep } from '../run-sweep.js';
import { loadSweepFile } from '../sweep-file.js';
import { localEngine } from './local.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('local engine', () => {
  it('runs every trial once on 2 worker processes and ranks them', async () => {
    const f = sweepFolder();
    cleanup = f.cleanup;
    const engine = localEngine({ workers: 2, trialModule: WAIT_TRIAL });
    try {
      const run = await runSweep(loadSweepFile(f.sweepFile), { engine, latency: false });
      const r = run.results;
      expect(r.trials.map((t) => t.settings.seed)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(new Set(r.trials.map((t) => t.key)).size).toBe(6);
      expect(new Set(r.trials.map((t) => t.worker))).toEqual(new Set(['local/0', 'local/1']));
      // Smallest passing trial: seed 5 (seed 4 fails its gates in the fixture).
      expect(r.best?.settings).toEqual({ seed: 5 });
      expect(r.trials.find((t) => t.settings.seed === 4)?.status).toBe('gate-failed');
      // Size falls and accuracy falls with the seed: every passing trial is on the front.
      expect(r.pareto).toEqual([5, 3, 2, 1, 0].map((s) => r.trials.find((t) => t.settings.seed === s)!.id));
      const json = JSON.parse(readFileSync(join(f.path, 'sweep-out', 'results.json'), 'utf8'));
      expect(json.trials).toHaveLength(6);
      expect(json.sweep.status).toBe('done');
    } finally {
      await engine.close();
    }
  });

  it('records a timed-out CPU-bound trial and a crashed one, and goes on', async () => {
    const f = sweepFolder({}, { search: { seed: [0, 1, 100, 101] }, trialTimeout: 1 });
    cleanup = f.cleanup;
    process.env.ENXUTO_TEST_SPIN_MS = '5000';
    const engine = localEngine({ workers: 2, trialModule: WAIT_TRIAL });
    try {
      const { results } = await runSweep(loadSweepFile(f.sweepFile), { engine, latency: false });
      expect(results.trials.map((t) => t.status)).toEqual(['timeout', 'timeout', 'error', 'error']);
      expect(results.trials.map((t) => t.error?.code)).toEqual([
        'sweep/timeout',
        'sweep/timeout',
        'sweep/worker-died',
        'sweep/worker-died',
      ]);
      expect(results.best).toBeNull();
    } finally {
      delete process.env.ENXUTO_TEST_SPIN_MS;
      await engine.close();
    }
  });
});
