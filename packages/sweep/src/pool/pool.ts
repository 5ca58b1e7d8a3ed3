// A pool of trial worker processes: each runs one trial at a time, so a CPU-bound trial never blocks
// the process that schedules (and, on a queue, renews the job's lock). A trial over its timeout, or
// cancelled, has its process killed and replaced; a process that dies takes only its own trial.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrialJob, TrialOutcome } from '../trial.js';
import type { ChildMessage } from './protocol.js';

/** Node flags a child needs to run a module: tsx when running from TypeScript sources. */
export function execArgvFor(file: string): string[] {
  return file.endsWith('.ts') ? ['--import', 'tsx', '--conditions=source'] : [];
}

/**
 * The file `name` (relative, without extension) beside the module at `metaUrl`, with that module's
 * extension: .ts when running from sources, .js when built. Trial modules are found this way.
 */
export function moduleBeside(metaUrl: string, name: string): string {
  const ext = metaUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`${name}${ext}`, metaUrl));
}

const CHILD = moduleBeside(import.meta.url, './child');
const STDERR_TAIL = 2000;

interface Slot {
  index: number;
  child: ChildProcess | undefined;
  ready: Promise<void> | undefined;
  stderr: string;
  /** Kills the running trial's process and settles it with this status. */
  stop?: (status: 'cancelled' | 'timeout') => void;
  job?: TrialJob;
}

export interface PoolOptions {
  size: number;
  /** Module (file path or URL) exporting `runTrial`; chosen by the worker's own code, never by a job. */
  trialModule: string;
  env?: NodeJS.ProcessEnv;
}

const notDelivered: TrialOutcome = {
  status: 'error',
  error: { code: 'sweep/worker-died', message: 'no trial worker process could be handed the trial' },
  seconds: 0,
};

export class TrialPool {
  private readonly slots: Slot[];
  private readonly idle: Slot[];
  private readonly waiters: ((s: Slot) => void)[] = [];
  private closed = false;

  constructor(private readonly opts: PoolOptions) {
    this.slots = Array.from({ length: Math.max(1, opts.size) }, (_, index) => ({
      index,
      child: undefined,
      ready: undefined,
      stderr: '',
    }));
    this.idle = [...this.slots];
  }

  get size(): number {
    return this.slots.length;
  }

  /** Starts every worker process now (otherwise each starts with its first trial). */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.ensure(s)));
  }

  private ensure(s: Slot): Promise<void> {
    if (s.child && s.child.exitCode === null && s.child.signalCode === null && s.ready) return s.ready;
    const child = fork(CHILD, [this.opts.trialModule], {
      execArgv: execArgvFor(CHILD.endsWith('.ts') ? CHILD : this.opts.trialModule),
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    s.child = child;
    s.stderr = '';
    // A dying process's errors (a kill after it is gone) show in its exit; none may go unhandled.
    child.on('error', () => {});
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      s.stderr = (s.stderr + d).slice(-STDERR_TAIL);
    });
    s.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type !== 'ready') return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) => {
        child.off('message', onMessage);
        reject(new Error(`trial worker process exited before it was ready (${signal ?? code}): ${s.stderr.trim()}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    // A start failure is reported through the trial that waits on it.
    s.ready.catch(() => {});
    return s.ready;
  }

  private acquire(): Promise<Slot> {
    const s = this.idle.shift();
    if (s) return Promise.resolve(s);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(s: Slot): void {
    const next = this.waiters.shift();
    if (next) next(s);
    else this.idle.push(s);
  }

  /** Runs a trial on a free worker process; resolves with its outcome and the slot that ran it. */
  async run(job: TrialJob): Promise<{ outcome: TrialOutcome; slot: number }> {
    const s = await this.acquire();
    try {
      if (this.closed) return { outcome: { status: 'cancelled', seconds: 0 }, slot: s.index };
      // A process that had just died (its exit not yet seen) refuses the trial: once more on a fresh one.
      const outcome = (await this.runOn(s, job)) ?? (await this.runOn(s, job));
      return { outcome: outcome ?? notDelivered, slot: s.index };
    } finally {
      s.job = undefined;
      s.stop = undefined;
      this.release(s);
    }
  }

  /** The trial's outcome; undefined when its worker process could not be handed the trial. */
  private async runOn(s: Slot, job: TrialJob): Promise<TrialOutcome | undefined> {
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;
    try {
      await this.ensure(s);
    } catch (e) {
      return {
        status: 'error',
        error: { code: 'sweep/worker-start', message: (e as Error).message },
        seconds: seconds(),
      };
    }
    const child = s.child!;
    s.job = job;
    return new Promise<TrialOutcome | undefined>((resolve) => {
      let settled = false;
      const finish = (o: TrialOutcome | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(o);
      };
      const onMessage = (m: ChildMessage) => {
        if (m.type === 'done') finish(m.outcome);
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish({
          status: 'error',
          error: {
            code: 'sweep/worker-died',
            message: `the trial's worker process died (${signal ?? `exit code ${code}`})${s.stderr.trim() ? `: ${s.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
          },
          seconds: seconds(),
        });
      s.stop = (status) => {
        child.kill('SIGKILL');
        s.child = undefined; // the next trial must not be sent to it before it is gone
        finish({
          status,
          ...(status === 'timeout'
            ? {
                error: {
                  code: 'sweep/timeout',
                  message: `stopped after the trial timeout of ${job.timeoutMs / 1000} s`,
                },
              }
            : {}),
          seconds: seconds(),
        });
      };
      const timer = setTimeout(() => s.stop?.('timeout'), job.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'run', job }, (e) => {
        if (!e) return;
        child.kill('SIGKILL');
        s.child = undefined;
        finish(undefined);
      });
    });
  }

  /** Cancels the running trials whose key matches (all when no key is given). */
  cancel(key?: string): void {
    for (const s of this.slots) if (s.job && (key === undefined || s.job.key === key)) s.stop?.('cancelled');
  }

  /** Keys of the trials running now. */
  running(): string[] {
    return this.slots.flatMap((s) => (s.job ? [s.job.key] : []));
  }

  /** Cancels what runs, refuses new trials and ends every worker process. */
  async close(): Promise<void> {
    this.closed = true;
    const children = this.slots.map((s) => s.child);
    this.cancel();
    await Promise.all(
      children.map(async (c) => {
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await gone;
      }),
    );
  }
}
