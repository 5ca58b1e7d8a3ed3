// The default engine: N trial worker processes on this machine, nothing to install.
import { TrialPool } from '../pool/pool.js';
import { recordOf, type TrialJob } from '../trial.js';
import type { EngineEnd, EngineHooks, TrialEngine } from './engine.js';

export interface LocalEngineOptions {
  workers: number;
  /** Module exporting `runTrial` (the CLI's runs pipelines with the built-in passes). */
  trialModule: string;
}

export function localEngine(opts: LocalEngineOptions): TrialEngine {
  const pool = new TrialPool({ size: opts.workers, trialModule: opts.trialModule });
  return {
    description: `local, ${pool.size} worker process${pool.size === 1 ? '' : 'es'}`,
    recorded: async () => [],
    async run(jobs: readonly TrialJob[], hooks: EngineHooks): Promise<EngineEnd> {
      const queue = [...jobs];
      let end: EngineEnd = 'done';
      const onAbort = () => {
        end = 'cancelled';
        queue.length = 0;
        pool.cancel();
      };
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      if (hooks.signal?.aborted) onAbort();
      // One lane per worker process: each takes the next job until none is left or time is up.
      const lane = async () => {
        for (;;) {
          if (hooks.deadline !== undefined && Date.now() >= hooks.deadline && queue.length > 0) {
            if (end === 'done') end = 'budget';
            queue.length = 0;
          }
          const job = queue.shift();
          if (!job) return;
          const started = pool.run(job);
          hooks.onStart?.(job, 'local');
          const { outcome, slot } = await started;
          if (outcome.status === 'cancelled' && end === 'cancelled') continue;
          hooks.onRecord(recordOf(job, outcome, `local/${slot}`, 1));
        }
      };
      try {
        await Promise.all(Array.from({ length: pool.size }, lane));
      } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
      }
      return end;
    },
    close: () => pool.close(),
  };
}
