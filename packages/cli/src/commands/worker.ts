// `enxuto worker --queue redis://…`: takes sweep trials from a BullMQ queue until stopped. Runs only
// jobs signed with ENXUTO_QUEUE_SECRET, plugins on its --allow-plugin list, and files under --root.
import { availableParallelism } from 'node:os';
import { ConfigError } from '@enxuto/ir';
import { intOption, parseCommandArgs, positionals, type Command } from './command.js';

const USAGE = `enxuto worker --queue redis://host:6379 [options]

  --queue URL          the Redis of the sweep: redis://[user:password@]host[:port][/db], rediss://… for TLS
                       (the password may come from ENXUTO_REDIS_PASSWORD instead)
  --concurrency N      trials at once, each in its own process (default: one per core)
  --root DIR           folder trials may read and write (repeatable; default: the current folder).
                       The sweep's models, data and results folder must be under one.
  --allow-plugin NAME  plugin package trials may load (repeatable; default: none)
  --queue-name NAME    BullMQ queue name (default enxuto-trials)
  --lock-seconds S     a trial's lock; a dead worker's trial is retried after about this long (default 30)
  --name NAME          this worker's name in results (default host:pid)

  ENXUTO_QUEUE_SECRET must hold the coordinator's secret: unsigned jobs are refused.
  Ctrl-C: finish the running trials, then stop; twice: stop now (they are retried elsewhere).`;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take sweep trials from a Redis queue (enxuto sweep --queue) and run them',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('worker', argv, {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      root: { type: 'string', multiple: true },
      'allow-plugin': { type: 'string', multiple: true },
      'queue-name': { type: 'string' },
      'lock-seconds': { type: 'string' },
      name: { type: 'string' },
    });
    positionals('worker', pos, []);
    if (!values.queue)
      throw new ConfigError('--queue redis://host:port is required', { code: 'cli/bad-argument', field: '--queue' });
    const sweep = await import('@enxuto/sweep');
    const queue = await import('@enxuto/sweep/queue');
    const { builtinRegistry } = await import('../builtin-passes.js');
    const secret = queue.queueSecret();
    const roots = sweep.realRoots(values.root?.length ? values.root : [process.cwd()]);
    const worker = await queue.startQueueWorker({
      url: values.queue,
      secret,
      concurrency: intOption('concurrency', values.concurrency, availableParallelism(), 1, 1024),
      trialModule: sweep.moduleBeside(import.meta.url, '../sweep-trial'),
      roots,
      allowPlugins: values['allow-plugin'] ?? [],
      registry: builtinRegistry,
      lockMs: intOption('lock-seconds', values['lock-seconds'], 30, 1, 86_400) * 1000,
      ...(values['queue-name'] ? { queueName: values['queue-name'] } : {}),
      ...(values.name ? { name: values.name } : {}),
      log: (line) => io.out(`${line}\n`),
    });
    io.out(`worker ${worker.name} ready: ${queue.redact(values.queue)}, roots ${roots.join(', ')}\n`);
    let stop = () => {};
    try {
      await new Promise<void>((resolve) => {
        let stopping = false;
        stop = () => {
          if (stopping) {
            io.err('enxuto: stopping now; the running trials will be retried by other workers\n');
            void worker.close(true).then(resolve);
            return;
          }
          stopping = true;
          io.err('enxuto: finishing the running trials (Ctrl-C again to stop now)\n');
          void worker.close(false).then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    return 0;
  },
};
