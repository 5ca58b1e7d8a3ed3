// The queue engine (`enxuto sweep --queue redis://…`): every trial becomes a signed BullMQ job with
// an id derived from its key, and the sweep collects the results workers record in Redis. Nothing
// lives only in this process: stopped and started again, it adds no job twice and picks up every
// result recorded meanwhile. Jobs lost with Redis are added again; jobs BullMQ gave up on (stalled
// too often) are recorded as errors so the sweep ends.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EngineEnd, EngineHooks, TrialEngine } from '../engine/engine.js';
import { recordOf, type TrialJob, type TrialRecord } from '../trial.js';
import { signJob } from './sign.js';
import { DEFAULT_QUEUE_NAME, jobIdOf, KEY_PREFIX, SweepStore } from './store.js';
import { parseQueueUrl, redact } from './url.js';

export interface QueueEngineOptions {
  url: string;
  secret: string;
  queueName?: string;
  /** How often results are collected (default 500 ms). */
  pollMs?: number;
  /** How often job states are checked for lost or failed jobs (default 5 s). */
  reconcileMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export function queueEngine(opts: QueueEngineOptions): TrialEngine {
  const connection = parseQueueUrl(opts.url);
  const queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const log = opts.log ?? (() => {});
  let redis: Redis | undefined;
  let queue: Queue | undefined;
  const connect = () => {
    if (!redis) {
      redis = new Redis(connection);
      redis.on('error', () => {}); // ioredis reconnects; commands wait for it
    }
    if (!queue) {
      queue = new Queue(queueName, { connection, prefix: KEY_PREFIX });
      queue.on('error', () => {}); // its client reconnects too; the poll loop logs what fails
    }
    return { redis, queue };
  };
  const add = (q: Queue, jobs: readonly TrialJob[]) =>
    q.addBulk(
      jobs.map((j) => ({
        name: 'trial',
        data: signJob(j, opts.secret),
        opts: { jobId: jobIdOf(j), removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
      })),
    );

  return {
    description: `queue ${redact(opts.url)} (${queueName})`,
    async recorded(sweepId) {
      return new SweepStore(connect().redis, sweepId).results();
    },
    async run(jobs, hooks: EngineHooks): Promise<EngineEnd> {
      if (jobs.length === 0) return 'done';
      const { redis: r, queue: q } = connect();
      const store = new SweepStore(r, jobs[0]!.sweepId);
      await store.clearCancel();
      const pending = new Map(jobs.map((j) => [j.key, j]));
      await add(q, jobs);
      const seenRunning = new Set<string>();
      let end: EngineEnd = 'done';
      let lastCount = -1;
      let lastReconcile = Date.now();
      const take = (rec: TrialRecord) => {
        if (!pending.delete(rec.key)) return;
        hooks.onRecord(rec);
      };
      /** Removes the trials still waiting (not the running ones): budget or cancel. */
      const dropWaiting = async () => {
        for (const j of [...pending.values()]) {
          if ((await q.getJobState(jobIdOf(j))) === 'active') continue;
          await q.remove(jobIdOf(j));
          pending.delete(j.key);
        }
      };
      while (pending.size > 0) {
        if (hooks.signal?.aborted) return 'detached';
        try {
          if (await store.isCancelled()) {
            await dropWaiting();
            return 'cancelled';
          }
          if (end === 'done' && hooks.deadline !== undefined && Date.now() >= hooks.deadline) {
            end = 'budget';
            await dropWaiting();
          }
          const n = await store.countResults();
          if (n !== lastCount) {
            lastCount = n;
            for (const rec of await store.results()) take(rec);
          }
          for (const [key, worker] of await store.running()) {
            const job = pending.get(key);
            if (job && !seenRunning.has(key)) hooks.onStart?.(job, worker);
            seenRunning.add(key);
          }
          if (Date.now() - lastReconcile >= (opts.reconcileMs ?? 5000)) {
            lastReconcile = Date.now();
            await reconcile(q, store, pending, (j) => add(q, [j]), log);
          }
        } catch (e) {
          log(`queue: ${(e as Error).message}; retrying`);
        }
        await sleep(opts.pollMs ?? 500, hooks.signal);
      }
      await store.expireLater();
      return end;
    },
    async close() {
      await queue?.close().catch(() => {});
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}

/** Adds back jobs Redis lost (e.g. restarted without persistence) and records jobs BullMQ failed. */
async function reconcile(
  q: Queue,
  store: SweepStore,
  pending: ReadonlyMap<string, TrialJob>,
  readd: (j: TrialJob) => Promise<unknown>,
  log: (line: string) => void,
): Promise<void> {
  for (const j of pending.values()) {
    if (await store.isRecorded(j.key)) continue;
    const state = await q.getJobState(jobIdOf(j));
    if (state === 'unknown') {
      log(`queue: trial ${j.id} was lost from the queue; adding it again`);
      await readd(j);
    } else if (state === 'failed') {
      const job = await q.getJob(jobIdOf(j));
      const outcome = {
        status: 'error' as const,
        error: {
          code: 'queue/job-failed',
          message: `the queue gave up on this trial: ${job?.failedReason ?? 'unknown reason'}`,
        },
        seconds: 0,
      };
      await store.record(recordOf(j, outcome, job?.processedBy ?? '-', job?.attemptsStarted ?? 0));
    }
  }
}

/** `enxuto sweep --cancel`: flags the sweep cancelled (workers stop its trials) and drops its waiting jobs. */
export async function cancelQueuedSweep(
  opts: Pick<QueueEngineOptions, 'url' | 'queueName'>,
  jobs: readonly TrialJob[],
): Promise<{ removed: number }> {
  const connection = parseQueueUrl(opts.url);
  const redis = new Redis(connection);
  const queue = new Queue(opts.queueName ?? DEFAULT_QUEUE_NAME, { connection, prefix: KEY_PREFIX });
  // An emitter's 'error' with no listener is thrown (an unhandled error); the calls below report failures.
  redis.on('error', () => {});
  queue.on('error', () => {});
  try {
    let removed = 0;
    if (jobs.length > 0) await new SweepStore(redis, jobs[0]!.sweepId).cancel();
    for (const j of jobs) removed += await queue.remove(jobIdOf(j));
    return { removed };
  } finally {
    await queue.close();
    await redis.quit();
  }
}
