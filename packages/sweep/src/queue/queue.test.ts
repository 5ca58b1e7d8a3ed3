// The queue engine against a real redis-server of the test's own, with a worker in this process and
// trials that only wait: signed jobs run and are recorded once, unsigned or forged ones are refused,
// a CPU-bound trial keeps its lock, a restarted coordinator resumes, cancel and budget stop a sweep,
// and the worker refuses plugins off its allow-list and files outside its roots.
import { join } from 'node:path';
import { sharedDir } from '@enxuto/test-support';
import { type RedisServer, startRedis } from '@enxuto/test-support/redis';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executions, SECRET, until } from '../../test/queue-helpers.js';
import { sweepFolder, WAIT_TRIAL } from '../../test/fixtures.js';
import { realRoots } from '../confine.js';
import { runSweep } from '../run-sweep.js';
import { loadSweepFile } from '../sweep-file.js';
import { cancelQueuedSweep, queueEngine } from './coordinator.js';
import { signJob } from './sign.js';
import { DEFAULT_QUEUE_NAME, KEY_PREFIX } from './store.js';
import { startQueueWorker, type QueueWorker } from './worker.js';

let redis: RedisServer;
let folder: ReturnType<typeof sweepFolder>;
let workers: QueueWorker[] = [];
const env = { ...process.env };

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(() => {
  folder = sweepFolder();
  process.env.ENXUTO_TEST_EXECUTIONS = join(folder.path, 'executions.log');
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  workers = [];
  process.env = { ...env };
  folder.cleanup();
});

/** Replaces the test's folder with one of this shape. */
function useFolder(...args: Parameters<typeof sweepFolder>) {
  folder.cleanup();
  folder = sweepFolder(...args);
  process.env.ENXUTO_TEST_EXECUTIONS = join(folder.path, 'executions.log');
}

async function worker(opts: { lockMs?: number; roots?: string[]; allowPlugins?: string[]; concurrency?: number } = {}) {
  const w = await startQueueWorker({
    url: redis.url,
    secret: SECRET,
    concurrency: opts.concurrency ?? 2,
    trialModule: WAIT_TRIAL,
    roots: realRoots(opts.roots ?? [folder.path, sharedDir()]),
    allowPlugins: opts.allowPlugins ?? [],
    lockMs: opts.lockMs ?? 2000,
  });
  workers.push(w);
  return w;
}

const engine = () => queueEngine({ url: redis.url, secret: SECRET, pollMs: 100, reconcileMs: 500 });

describe('queue engine', () => {
  it('runs signed jobs, records each trial once, and refuses unsigned and forged jobs', async () => {
    await worker();
    const e = engine();
    const { results, prepared } = await runSweep(loadSweepFile(folder.sweepFile), {
      engine: e,
      latency: false,
    }).finally(() => e.close());
    expect(results.trials.map((t) => t.settings.seed)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.best?.settings).toEqual({ seed: 5 });
    expect(results.sweep.engine).toMatch(/^queue redis:\/\/127\.0\.0\.1:\d+ \(enxuto-trials\)$/);
    const ran = executions(process.env.ENXUTO_TEST_EXECUTIONS!);
    expect([...ran.starts.values()]).toEqual([1, 1, 1, 1, 1, 1]);

    // Anyone with access to Redis can add jobs; without the secret they are refused, not run.
    const queue = new Queue(DEFAULT_QUEUE_NAME, {
      connection: { host: '127.0.0.1', port: redis.port },
      prefix: KEY_PREFIX,
    });
    try {
      const trial = { ...prepared.jobs[0]!, key: 'f'.repeat(64), id: 'ffffffffffff' };
      const forged = signJob(trial, 'another-secret-0123456789');
      const jobs = await queue.addBulk([
        { name: 'trial', data: { payload: JSON.stringify(trial) } },
        { name: 'trial', data: forged },
        {
          name: 'trial',
          data: { ...signJob(trial, SECRET), payload: JSON.stringify({ ...trial, set: ['input=/etc/passwd'] }) },
        },
      ]);
      const reasons = await until(async () => {
        const states = await Promise.all(jobs.map((j) => queue.getJobState(j.id!)));
        if (!states.every((s) => s === 'failed')) return undefined;
        return Promise.all(jobs.map(async (j) => (await queue.getJob(j.id!))!.failedReason));
      });
      expect(reasons).toEqual([
        'refused an unsigned job',
        'refused a job whose signature does not match ENXUTO_QUEUE_SECRET',
        'refused a job whose signature does not match ENXUTO_QUEUE_SECRET',
      ]);
      expect(executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.has('f'.repeat(64))).toBe(false);
    } finally {
      await queue.close();
    }
  });

  it('keeps the lock of a CPU-bound trial: its worker process computes, the worker renews', async () => {
    process.env.ENXUTO_TEST_SPIN_MS = '3000';
    useFolder({}, { search: { seed: [0, 1] } });
    // A 600 ms lock would expire five times over if computing blocked the renewal.
    await worker({ lockMs: 600 });
    const e = engine();
    const { results } = await runSweep(loadSweepFile(folder.sweepFile), { engine: e, latency: false }).finally(() =>
      e.close(),
    );
    expect(results.trials.map((t) => [t.status, t.attempts])).toEqual([
      ['passed', 1],
      ['passed', 1],
    ]);
    expect([...executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.values()]).toEqual([1, 1]);
  });

  it('resumes after the coordinator stops: no trial added or run twice', async () => {
    process.env.ENXUTO_TEST_WAIT_MS = '400';
    await worker({ concurrency: 1 });
    const first = new AbortController();
    let recorded = 0;
    const e1 = engine();
    const stopped = await runSweep(loadSweepFile(folder.sweepFile), {
      engine: e1,
      latency: false,
      signal: first.signal,
      stream: {
        write: (s: string) => {
          if (/^trial /.test(s) && ++recorded === 2) first.abort();
        },
      },
    }).finally(() => e1.close());
    expect(stopped.results.sweep.status).toBe('detached');
    const e2 = engine();
    const lines: string[] = [];
    const { results } = await runSweep(loadSweepFile(folder.sweepFile), {
      engine: e2,
      latency: false,
      stream: { write: (s: string) => lines.push(s) },
    }).finally(() => e2.close());
    expect(lines[0]).toMatch(/^sweep: resuming, [2-6] of 6 trials already recorded/);
    expect(results.sweep.status).toBe('done');
    expect(new Set(results.trials.map((t) => t.key)).size).toBe(6);
    expect([...executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('cancels: waiting trials are dropped and the running one is stopped', async () => {
    process.env.ENXUTO_TEST_WAIT_MS = '30000';
    await worker({ concurrency: 1 });
    const e = engine();
    const sweep = loadSweepFile(folder.sweepFile);
    const run = runSweep(sweep, { engine: e, latency: false });
    await until(() => executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.size === 1 || undefined);
    const { prepareSweep } = await import('../prepare.js');
    const { planSettings, settingsToSet } = await import('../plan.js');
    const p = await prepareSweep(
      sweep,
      planSettings(sweep.config).map((s) => ({ settings: s, set: settingsToSet(s) })),
    );
    const { removed } = await cancelQueuedSweep({ url: redis.url }, p.jobs);
    // Five were waiting; under load a second one may already have been taken (active jobs are
    // not removable, they are stopped instead).
    expect(removed).toBeGreaterThanOrEqual(4);
    const { results } = await run.finally(() => e.close());
    expect(results.sweep.status).toBe('cancelled');
    expect(results.trials).toEqual([]);
    const ran = executions(process.env.ENXUTO_TEST_EXECUTIONS!);
    expect(ran.starts.size).toBeLessThanOrEqual(6 - removed);
    expect(ran.ends.size).toBe(0); // every started trial's worker process was killed mid-trial
  });

  it('stops starting trials when the time budget runs out', async () => {
    process.env.ENXUTO_TEST_WAIT_MS = '1500';
    useFolder({}, { budget: { time: 1 } });
    await worker({ concurrency: 1 });
    const e = engine();
    const { results } = await runSweep(loadSweepFile(folder.sweepFile), { engine: e, latency: false }).finally(() =>
      e.close(),
    );
    expect(results.sweep.status).toBe('budget');
    expect(results.trials.length).toBeGreaterThanOrEqual(1);
    expect(results.trials.length).toBeLessThan(6);
    expect(executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.size).toBe(results.trials.length);
  });

  it('refuses trials whose plugins are not allowed, whose files are outside its roots, or whose input differs', async () => {
    useFolder({ plugins: ['@enxuto/plugin-example'] }, { search: { seed: [0] } });
    await worker({ roots: [folder.path, sharedDir()] });
    const e = engine();
    const { prepared } = await import('../prepare.js').then(async ({ prepareSweep }) => ({
      prepared: await prepareSweep(loadSweepFile(folder.sweepFile), [{ settings: { seed: 0 }, set: ['seed=0'] }]),
    }));
    const records: { error?: { code: string } }[] = [];
    await e.run(prepared.jobs, { onRecord: (r) => records.push(r) });
    expect(records.map((r) => r.error?.code)).toEqual(['queue/plugin-not-allowed']);
    await Promise.all(workers.map((w) => w.close(true)));
    workers = [];

    const other = sweepFolder({}, { search: { seed: [0] } });
    try {
      await worker({ roots: [folder.path] }); // the input model lives in the shared folder, outside
      const p2 = await (await import('../prepare.js')).prepareSweep(loadSweepFile(other.sweepFile), [
        { settings: { seed: 0 }, set: ['seed=0'] },
      ]);
      const r2: { error?: { code: string; message: string } }[] = [];
      await e.run(p2.jobs, { onRecord: (r) => r2.push(r) });
      expect(r2.map((r) => r.error?.code)).toEqual(['queue/outside-roots']);
      // A worker whose shared folder holds another file under the same path refuses the trial.
      await Promise.all(workers.map((w) => w.close(true)));
      workers = [];
      await worker({ roots: [other.path, sharedDir()] });
      const moved = { ...p2.jobs[0]!, sweepId: 'other-sweep', input: { ...p2.jobs[0]!.input, sha256: '0'.repeat(64) } };
      const r3: { error?: { code: string; message: string } }[] = [];
      await e.run([moved], { onRecord: (r) => r3.push(r) });
      expect(r3.map((r) => r.error?.code)).toEqual(['queue/input-differs']);
      expect(r3[0]!.error!.message).toMatch(/is not the coordinator's input model .* mounted at the same path/);
      expect(executions(process.env.ENXUTO_TEST_EXECUTIONS!).starts.size).toBe(0);
    } finally {
      other.cleanup();
      await e.close();
    }
  });
});
