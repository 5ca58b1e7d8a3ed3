// `enxuto worker`: takes trial jobs from the BullMQ queue and runs them in its own trial worker
// processes, so the process holding the job's lock never computes and always renews it. A job is
// run only when its signature checks, its plugins are on this worker's allow-list, every file it
// names is under this worker's roots and its input model is the coordinator's (same sha256).
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { isEnxutoError } from '@enxuto/ir';
import { applyOverrides, loadPlugins, type PassRegistry, parsePipelineConfig } from '@enxuto/pipeline/node';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { checkTrialInsideRoots } from '../confine.js';
import { TrialPool } from '../pool/pool.js';
import { projectRootOf } from '../prepare.js';
import { recordOf, type TrialJob, type TrialOutcome } from '../trial.js';
import { verifyJob } from './sign.js';
import { DEFAULT_QUEUE_NAME, KEY_PREFIX, SweepStore } from './store.js';
import { parseQueueUrl } from './url.js';

export interface QueueWorkerOptions {
  url: string;
  secret: string;
  queueName?: string;
  /** Trials run at once (one trial worker process each). */
  concurrency: number;
  /** Module exporting `runTrial`, chosen by this worker's own code. */
  trialModule: string;
  /** Real paths of the folders trials may read and write. */
  roots: readonly string[];
  /** Plugin packages trials may load. */
  allowPlugins: readonly string[];
  /**
   * The passes trials run (the CLI: the built-ins): with it, files named in pass options
   * (sensitivity, teacher) are confined to the roots too, before the trial starts.
   */
  registry?: () => PassRegistry;
  /** How long a trial's lock lasts unrenewed: a dead worker's trial is retried after about this long. */
  lockMs?: number;
  name?: string;
  log?: (line: string) => void;
}

export interface QueueWorker {
  readonly name: string;
  /** Stops taking trials; waits for the running ones unless `force`, which cancels them. */
  close(force?: boolean): Promise<void>;
}

/** sha256 of a file, cached by (size, mtime) for the many trials of one input model. */
function fileHasher() {
  const cache = new Map<string, { size: number; mtimeMs: number; sha: string }>();
  return async (path: string): Promise<string> => {
    const st = statSync(path);
    const hit = cache.get(path);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const sha = h.digest('hex');
    cache.set(path, { size: st.size, mtimeMs: st.mtimeMs, sha });
    return sha;
  };
}

const refusal = (code: string, message: string): TrialOutcome => ({
  status: 'error',
  error: { code, message },
  seconds: 0,
});

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => {});
  const connection = parseQueueUrl(opts.url);
  const redis = new Redis(connection);
  redis.on('error', () => {}); // reconnects by itself; the worker's own error event reports it
  const pool = new TrialPool({ size: opts.concurrency, trialModule: opts.trialModule });
  const sha256Of = fileHasher();

  /** Why this worker will not run the trial, as its outcome; undefined when it may. */
  const policy = async (t: TrialJob): Promise<TrialOutcome | undefined> => {
    try {
      const config = parsePipelineConfig(applyOverrides(t.pipeline, t.set), t.pipelineFile);
      const banned = config.plugins.filter((p) => !opts.allowPlugins.includes(p));
      if (banned.length > 0)
        return refusal(
          'queue/plugin-not-allowed',
          `plugin ${banned.join(', ')} is not on worker ${name}'s allow-list (enxuto worker --allow-plugin)`,
        );
      let registry: PassRegistry | undefined;
      if (opts.registry) {
        registry = opts.registry().clone();
        if (config.plugins.length) await loadPlugins(config.plugins, registry, projectRootOf(dirname(t.pipelineFile)));
      }
      checkTrialInsideRoots(t, opts.roots, registry);
      if ((await sha256Of(t.input.path)) !== t.input.sha256)
        return refusal(
          'queue/input-differs',
          `${t.input.path} on worker ${name} is not the coordinator's input model (sha256 differs): is the shared folder mounted at the same path?`,
        );
      return undefined;
    } catch (e) {
      return refusal(isEnxutoError(e) ? e.code : 'internal', isEnxutoError(e) ? e.describe() : String(e));
    }
  };

  const process_ = async (job: Job): Promise<{ recorded: boolean } | { skipped: string }> => {
    let t: TrialJob;
    try {
      t = verifyJob(job.data, opts.secret);
    } catch (e) {
      log(`refused job ${job.id}: ${(e as Error).message}`);
      throw new UnrecoverableError((e as Error).message);
    }
    const store = new SweepStore(redis, t.sweepId);
    if (await store.isCancelled()) return { skipped: 'the sweep was cancelled' };
    // Delivered again after it was recorded (a lost lock, a re-added job): nothing to do.
    if (await store.isRecorded(t.key)) return { skipped: 'already recorded' };
    const refused = await policy(t);
    if (refused) {
      log(`trial ${t.id} refused: ${refused.error!.message}`);
      return { recorded: await store.record(recordOf(t, refused, name, job.attemptsStarted)) };
    }
    await store.markRunning(t.key, name);
    log(`trial ${t.id} started (attempt ${job.attemptsStarted})`);
    const watch = setInterval(() => {
      store.isCancelled().then(
        (c) => c && pool.cancel(t.key),
        () => {},
      );
    }, 1000);
    let result: Awaited<ReturnType<TrialPool['run']>>;
    try {
      result = await pool.run(t);
    } finally {
      clearInterval(watch);
    }
    if (result.outcome.status === 'cancelled') {
      log(`trial ${t.id} cancelled`);
      return { skipped: 'cancelled' };
    }
    const recorded = await store.record(recordOf(t, result.outcome, `${name}/${result.slot}`, job.attemptsStarted));
    log(
      `trial ${t.id} ${result.outcome.status}${recorded ? '' : ' (another delivery recorded it first: kept that one)'}`,
    );
    return { recorded };
  };

  const lockMs = opts.lockMs ?? 30_000;
  const worker = new Worker(opts.queueName ?? DEFAULT_QUEUE_NAME, process_, {
    connection,
    prefix: KEY_PREFIX,
    concurrency: opts.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
    name,
  });
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message !== lastError) log(`queue: ${e.message}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError) log('queue: connected again');
    lastError = '';
  });
  await worker.waitUntilReady();
  return {
    name,
    async close(force = false) {
      if (force) pool.cancel();
      await worker.close(force);
      await pool.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
