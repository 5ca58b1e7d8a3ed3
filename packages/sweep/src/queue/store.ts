// What a sweep keeps in Redis beside its BullMQ jobs: its results, one per trial key (HSETNX: the
// first record wins, so a trial delivered twice is recorded once), the trials running now, and a
// cancel flag. Workers write here directly, so results survive a coordinator that is away.
import type { Redis } from 'ioredis';
import type { TrialJob, TrialRecord } from '../trial.js';

export const DEFAULT_QUEUE_NAME = 'enxuto-trials';
/** Key prefix of the BullMQ queue and of the sweep keys. */
export const KEY_PREFIX = 'enxuto';
/** How long a finished sweep's results stay in Redis (for a late `enxuto sweep` to collect). */
export const RESULTS_TTL_SECONDS = 7 * 24 * 3600;

/** BullMQ job id of a trial: adding the same trial of the same sweep twice is a no-op. */
export function jobIdOf(job: Pick<TrialJob, 'sweepId' | 'key'>): string {
  return `${job.sweepId}-${job.key.slice(0, 48)}`;
}

export class SweepStore {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    readonly sweepId: string,
  ) {
    this.base = `${KEY_PREFIX}:sweep:${sweepId}`;
  }

  /** Records a trial's result unless one is recorded already; true when this call recorded it. */
  async record(r: TrialRecord): Promise<boolean> {
    const added = await this.redis.hsetnx(`${this.base}:results`, r.key, JSON.stringify(r));
    await this.redis.hdel(`${this.base}:running`, r.key);
    return added === 1;
  }

  async isRecorded(key: string): Promise<boolean> {
    return (await this.redis.hexists(`${this.base}:results`, key)) === 1;
  }

  async results(): Promise<TrialRecord[]> {
    const all = await this.redis.hgetall(`${this.base}:results`);
    return Object.values(all).map((v) => JSON.parse(v) as TrialRecord);
  }

  async countResults(): Promise<number> {
    return this.redis.hlen(`${this.base}:results`);
  }

  async markRunning(key: string, worker: string): Promise<void> {
    await this.redis.hset(`${this.base}:running`, key, worker);
  }

  /** Trial key -> worker, for the trials running now. */
  async running(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(`${this.base}:running`)));
  }

  async cancel(): Promise<void> {
    await this.redis.set(`${this.base}:cancel`, '1', 'EX', RESULTS_TTL_SECONDS);
  }

  /** A coordinator starting the sweep again clears an earlier cancel. */
  async clearCancel(): Promise<void> {
    await this.redis.del(`${this.base}:cancel`);
  }

  async isCancelled(): Promise<boolean> {
    return (await this.redis.exists(`${this.base}:cancel`)) === 1;
  }

  /** A finished sweep's keys expire in a week; a re-run before then still resumes from them. */
  async expireLater(): Promise<void> {
    for (const k of ['results', 'running', 'cancel']) await this.redis.expire(`${this.base}:${k}`, RESULTS_TTL_SECONDS);
  }
}
