// Failures of a distributed sweep, with worker processes and a redis-server of the test's own:
// a worker killed mid-trial (its trial is retried elsewhere, recorded once, none lost), a worker
// joining late, a worker frozen past its lock (the trial runs twice, is recorded once), and Redis
// killed and restarted from its append-only file mid-sweep (the sweep resumes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@enxuto/test-support';
import { type RedisServer, startRedis } from '@enxuto/test-support/redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepFolder } from '../../test/fixtures.js';
import { executions, SECRET, spawnWorker, until, type WorkerProcess } from '../../test/queue-helpers.js';
import { runSweep } from '../run-sweep.js';
import { loadSweepFile } from '../sweep-file.js';
import { queueEngine } from './coordinator.js';

let redis: RedisServer;
let folder: ReturnType<typeof sweepFolder>;
let procs: WorkerProcess[] = [];
let log: string;

beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  procs = [];
  await redis.stop();
  folder.cleanup();
});

function setup(seeds: number[], waitMs: number) {
  folder = sweepFolder({}, { search: { seed: seeds } });
  log = join(folder.path, 'executions.log');
  return {
    roots: [folder.path, sharedDir()],
    env: { ENXUTO_TEST_EXECUTIONS: log, ENXUTO_TEST_WAIT_MS: String(waitMs) } as Record<string, string>,
  };
}

async function worker(opts: { roots: string[]; env: Record<string, string> }) {
  const w = await spawnWorker(redis.url, { ...opts, lockMs: 1000 });
  procs.push(w);
  return w;
}

function sweep(stream?: (s: string) => void) {
  const engine = queueEngine({ url: redis.url, secret: SECRET, pollMs: 100, reconcileMs: 500 });
  return runSweep(loadSweepFile(folder.sweepFile), {
    engine,
    latency: false,
    ...(stream ? { stream: { write: stream } } : {}),
  }).finally(() => engine.close());
}

const idOf = (line: string) => /trial (\w+) started/.exec(line)![1]!;

describe('queue recovery', () => {
  it('a worker killed mid-trial loses nothing: its trial is retried, a late worker joins, each trial is recorded once', async () => {
    const o = setup([0, 1, 2, 3, 5, 6, 7, 8], 2000);
    // Trials wait for this file, so trials are still queued when the late worker is ready (its
    // start-up can outlast the whole sweep on a loaded machine).
    const hold = join(folder.path, 'hold');
    o.env.ENXUTO_TEST_HOLD_FILE = hold;
    const [a, b] = await Promise.all([worker(o), worker(o)]);
    const run = sweep();
    const killed = idOf(await a!.waitFor(/trial \w+ started/));
    // Mid-trial: its trial process is computing.
    await until(() => [...executions(log).starts.keys()].some((k) => k.startsWith(killed)) || undefined);
    a!.child.kill('SIGKILL');
    const late = await worker(o);
    writeFileSync(hold, '');
    const { results } = await run;
    expect(results.trials).toHaveLength(8);
    expect(new Set(results.trials.map((t) => t.key)).size).toBe(8);
    expect(results.trials.every((t) => t.status === 'passed')).toBe(true);
    const retried = results.trials.find((t) => t.id === killed)!;
    expect(retried.attempts).toBeGreaterThanOrEqual(2);
    const names = (w: WorkerProcess) => /worker (\S+) ready/.exec(w.lines[0]!)![1]!;
    expect(retried.worker.startsWith(names(a!))).toBe(false);
    expect(results.trials.some((t) => t.worker.startsWith(names(late)))).toBe(true);
    expect(results.trials.some((t) => t.worker.startsWith(names(b!)))).toBe(true);
    expect(executions(log).starts.get(retried.key)).toBeGreaterThanOrEqual(2);
  }, 180_000); // worker processes start slowly on a loaded machine

  it('a trial that ran twice (its worker froze past the lock) is recorded once', async () => {
    const o = setup([0], 3000);
    const a = await worker(o);
    const run = sweep();
    await a.waitFor(/trial \w+ started/);
    a.child.kill('SIGSTOP'); // frozen: no lock renewal; its trial process keeps computing
    const b = await worker(o);
    await b.waitFor(/trial \w+ passed$/);
    const { results } = await run;
    a.child.kill('SIGCONT');
    await a.waitFor(/another delivery recorded it first/);
    const ran = executions(log);
    const key = results.trials[0]!.key;
    expect(ran.ends.get(key)).toBe(2);
    expect(results.trials).toHaveLength(1);
    expect(results.trials[0]!.attempts).toBe(2);
  });

  it('Redis killed and restarted from its append-only file mid-sweep: the sweep resumes', async () => {
    const o = setup([0, 1, 2, 3, 5, 6], 700);
    await worker(o);
    let recorded = 0;
    let restarted: Promise<void> | undefined;
    const run = sweep((s) => {
      if (/^trial /.test(s) && ++recorded === 2) restarted = redis.restart();
    });
    const { results } = await run;
    await restarted;
    expect(restarted).toBeDefined();
    expect(results.sweep.status).toBe('done');
    expect(results.trials).toHaveLength(6);
    expect(new Set(results.trials.map((t) => t.key)).size).toBe(6);
  });
});
