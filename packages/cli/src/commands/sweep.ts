// `enxuto sweep <sweep.yaml>`: trials of a pipeline over a grid or random settings, in local worker
// processes (default) or as jobs on a Redis queue; writes results.json, best.pipeline.yaml and
// report.html, and exits 2 when no trial passed its gates.
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import type { RunSweepOptions, SensitivityFile, SweepResults } from '@enxuto/sweep';
import { intOption, parseCommandArgs, positionals, type Command } from './command.js';

const USAGE = `enxuto sweep <sweep.yaml> [options]
enxuto sweep --sensitivity quantize|prune <pipeline.yaml> [options]

  --sensitivity M      a per-layer sensitivity sweep of the pipeline's model: each layer alone
                       quantized to int8 (quantize) or pruned at 50/75/90 % (prune); writes
                       <out>/sensitivity.json for quantize-auto and prune-magnitude
                       (default out: sensitivity-out beside the pipeline)

  --workers N          trial worker processes on this machine (default: one per core)
  --queue URL          run every trial as a job on this Redis (redis://[user:password@]host[:port][/db],
                       rediss://… for TLS) for \`enxuto worker\` processes on any machine to take;
                       needs ENXUTO_QUEUE_SECRET. Ctrl-C leaves the trials queued: the same command
                       again collects them.
  --queue-name NAME    BullMQ queue name (default enxuto-trials)
  --cancel             with --queue: cancel the sweep (workers stop its trials, waiting ones are dropped)
  --set path=value     override a value of the base pipeline (repeatable), as enxuto run --set
  --out DIR            results folder (default: the sweep file's \`out\`, else sweep-out beside it)
  --trial-timeout T    stop a trial after T (seconds, or 90s / 10m / 2h; default: the file's, else 1h)
  --budget-trials N    run at most N trials
  --budget-time T      start no trial after T
  --threads N          onnxruntime threads per trial (default 1)
  --no-cache           trials share no pass cache (default: <out>/cache)
  --no-latency         skip measuring latency after the sweep
  --json               print results.json to standard output

  Exit codes: 0 a trial passed its gates, 1 error, 2 no trial passed, 130 interrupted.
  The sweep file and results: docs/sweeps.md.`;

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function summary(r: SweepResults, files: string[]): string {
  const passed = r.trials.filter((t) => t.status === 'passed').length;
  const lines = [
    `${r.trials.length} of ${r.sweep.planned} trials recorded, ${passed} passed their gates (${r.sweep.status})`,
  ];
  if (r.best) {
    const a = r.best.metrics?.after;
    const facts = [
      ...(a ? [kib(a.sizeBytes)] : []),
      ...(a?.accuracy !== undefined ? [`accuracy ${pct(a.accuracy)}`] : []),
      ...(a?.latencyP50Ms !== undefined ? [`latency p50 ${a.latencyP50Ms.toFixed(3)} ms`] : []),
    ];
    lines.push(`best: ${r.best.id} ${JSON.stringify(r.best.settings)}${facts.length ? ` (${facts.join(', ')})` : ''}`);
  } else lines.push('no trial passed its gates');
  lines.push(...files.map((f) => `wrote ${f}`));
  return `${lines.join('\n')}\n`;
}

function sensitivitySummary(s: SensitivityFile, files: string[]): string {
  const worst = (l: SensitivityFile['layers'][number]) =>
    Math.max(...l.results.map((r) => r.drop ?? Number.POSITIVE_INFINITY));
  const ranked = [...s.layers].sort((a, b) => worst(b) - worst(a)).slice(0, 5);
  const lines = [
    `${s.layers.length} layers, ${s.method === 'quantize' ? 'each quantized to int8 alone' : 'each pruned alone'}; ${s.metric} of the input model ${pct(s.baseline)}`,
    'most sensitive:',
    ...ranked.map(
      (l) =>
        `  ${(l.node || l.output).padEnd(28)} ${l.opType.padEnd(8)} ${l.results.map((r) => `${r.sparsity !== undefined ? `${r.sparsity * 100}%: ` : ''}${r.drop === null ? 'failed' : `${(r.drop * 100).toFixed(2)} pt lost`}`).join(', ')}`,
    ),
    ...files.map((f) => `wrote ${f}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'search pipeline options (grid or random) for the best model that passes the gates',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('sweep', argv, {
      workers: { type: 'string' },
      queue: { type: 'string' },
      'queue-name': { type: 'string' },
      cancel: { type: 'boolean' },
      sensitivity: { type: 'string' },
      out: { type: 'string' },
      set: { type: 'string', multiple: true },
      'trial-timeout': { type: 'string' },
      'budget-trials': { type: 'string' },
      'budget-time': { type: 'string' },
      threads: { type: 'string' },
      'no-cache': { type: 'boolean' },
      'no-latency': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [file] = positionals('sweep', pos, [values.sensitivity ? 'pipeline.yaml' : 'sweep.yaml']);
    const sweep = await import('@enxuto/sweep');
    const seconds = (name: string): number | undefined => {
      const raw = values[name as 'budget-time'];
      if (raw === undefined) return undefined;
      const s = sweep.parseDuration(raw);
      if (s === undefined)
        throw new ConfigError(`--${name} must be a duration (seconds, or 90s / 10m / 2h), got '${raw}'`, {
          code: 'cli/bad-argument',
          field: `--${name}`,
        });
      return s;
    };
    const out = values.out !== undefined ? { out: values.out } : {};
    const loaded = values.sensitivity
      ? sweep.loadSweepObject(
          { pipeline: resolve(file!), sensitivity: { method: values.sensitivity }, out: 'sensitivity-out' },
          { baseDir: dirname(resolve(file!)), ...out },
        )
      : sweep.loadSweepFile(file!, out);
    const budgetTrials = values['budget-trials'];
    const budgetTime = seconds('budget-time');
    if (budgetTrials !== undefined)
      loaded.config.budget.trials = intOption('budget-trials', budgetTrials, 1, 1, 1_000_000);
    if (budgetTime !== undefined) loaded.config.budget.time = budgetTime;
    const trialTimeout = seconds('trial-timeout');
    const { builtinRegistry } = await import('../builtin-passes.js');
    if (values.cancel) {
      if (!values.queue)
        throw new ConfigError('--cancel cancels a queued sweep: give its --queue (a local sweep stops with Ctrl-C)', {
          code: 'cli/bad-argument',
          field: '--cancel',
        });
      const variants = await sweep.sweepVariants(loaded, values.set ?? []);
      const p = await sweep.prepareSweep(loaded, variants, { registry: builtinRegistry(), set: values.set ?? [] });
      const { removed } = await (await import('@enxuto/sweep/queue')).cancelQueuedSweep(
        { url: values.queue, ...(values['queue-name'] ? { queueName: values['queue-name'] } : {}) },
        p.jobs,
      );
      io.out(`cancelled sweep ${p.sweepId}: ${removed} waiting trial(s) dropped, running ones stopped\n`);
      return 0;
    }
    const queue = values.queue ? await import('@enxuto/sweep/queue') : undefined;
    const engine = queue
      ? queue.queueEngine({
          url: values.queue!,
          secret: queue.queueSecret(),
          ...(values['queue-name'] ? { queueName: values['queue-name'] } : {}),
          log: (line) => io.err(`${line}\n`),
        })
      : sweep.localEngine({
          workers: intOption('workers', values.workers, availableParallelism(), 1, 1024),
          trialModule: sweep.moduleBeside(import.meta.url, '../sweep-trial'),
        });
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const options: RunSweepOptions = {
        engine,
        registry: builtinRegistry(),
        set: values.set ?? [],
        threads: intOption('threads', values.threads, 1, 1, 1024),
        signal: controller.signal,
        stream: { write: (s: string) => io.err(s), isTTY: io.isTTY },
        tty: io.isTTY,
        ...(values['no-cache'] ? { cacheDir: false as const } : {}),
        ...(values['no-latency'] ? { latency: false as const } : {}),
        ...(trialTimeout !== undefined ? { trialTimeout } : {}),
      };
      const done = loaded.config.sensitivity
        ? await sweep.runSensitivitySweep(loaded, options)
        : { ...(await sweep.runSweep(loaded, options)), sensitivity: undefined };
      const { results, files } = done;
      const text = done.sensitivity ? sensitivitySummary(done.sensitivity, files) : summary(results, files);
      io.out(values.json ? `${JSON.stringify(results, null, 2)}\n` : text);
      if (results.sweep.status === 'detached') {
        io.err('enxuto: coordinator stopped; its trials stay queued: run the same command again to collect them\n');
        return 130;
      }
      if (results.sweep.status === 'cancelled') {
        io.err('enxuto: sweep cancelled; the results so far are written, a re-run resumes\n');
        return 130;
      }
      return results.best || done.sensitivity ? 0 : 2;
    } finally {
      process.removeListener('SIGINT', onSigint);
      await engine.close();
    }
  },
};
