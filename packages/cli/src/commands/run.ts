// `enxuto run <pipeline>`: validate, run the passes, apply the gates, write outputs and report.
import { printable } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { consoleProgress, GateError, runPipeline, streamLogger, type PipelineReport } from '@enxuto/pipeline/node';
import { parseCommandArgs, positionals, type Command } from './command.js';
import { builtinRegistry } from '../builtin-passes.js';

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
const kb = (v: number | undefined) => (v === undefined ? '-' : `${(v / 1024).toFixed(1)} KiB`);
const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(3)} ms`);

export function formatRunSummary(r: PipelineReport): string {
  const b = r.metrics.before;
  const a = r.metrics.after;
  const row = (name: string, x: string, y: string) => `  ${name.padEnd(14)} ${x.padStart(12)}  ${y.padStart(12)}`;
  return [
    row('', 'before', 'after'),
    row('size', kb(b?.sizeBytes), kb(a?.sizeBytes)),
    row('accuracy', pct(b?.accuracy), pct(a?.accuracy)),
    row('agreement', '', pct(a?.agreement)),
    row('latency p50', ms(b?.latencyP50Ms), ms(a?.latencyP50Ms)),
    ...r.gates.map((g) => `  gate ${g.metric}: ${g.passed ? 'passed' : `FAILED (${g.reason})`}`),
    ...r.outputs.map((o) => `  wrote ${o.path} (${o.format}, ${o.bytes} bytes)`),
    '',
  ]
    .map(printable)
    .join('\n');
}

const RUN_USAGE = `enxuto run <pipeline.yaml> [--set path=value]... [--force] [--no-cache] [--cache-dir DIR] [--json]

  --set path=value  override a value of the file, e.g. --set passes.1.options.sparsity=0.8 (repeatable)
  --force           write into non-empty output folders
  --no-cache        do not read or write the pass cache
  --cache-dir DIR   pass cache folder (default: .enxuto-cache beside the pipeline file)
  --runtime NAME    ort-node (default) or ort-web: the runtime calibration and evaluation use
                    (ort-web gives the bytes the edge app's Compress view gives)
  --json            print report.json to standard output (schema in docs/pipelines.md)
  -v, --verbose     more log lines

  Exit codes: 0 done, 1 error, 2 a gate failed (no model written), 130 interrupted (Ctrl-C),
  143 terminated (SIGTERM). An interrupted run writes no output and no report; finished pass-cache
  entries stay, so running it again resumes.`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a pipeline file: passes, gates, outputs and a report',
  abortable: true,
  // The pass list comes from the registry, so this help never disagrees with `enxuto passes`.
  get usage() {
    return `${RUN_USAGE}\n\n  Passes: ${builtinRegistry().names().join(', ')} (details: enxuto passes)`;
  },
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('run', argv, {
      set: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      runtime: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    });
    const [file] = positionals('run', pos, ['pipeline']);
    const stream = { write: (s: string) => io.err(s), isTTY: io.isTTY };
    try {
      const { report } = await runPipeline(file!, {
        registry: builtinRegistry(),
        ...(values.runtime ? { backend: getBackend(values.runtime) } : {}),
        prepareTraining: async () => (await import('@enxuto/train/node')).initBackend('wasm'),
        set: values.set ?? [],
        force: values.force ?? false,
        ...(io.signal ? { signal: io.signal } : {}),
        logger: streamLogger(stream, values.verbose ?? false),
        progress: consoleProgress(stream, { tty: io.isTTY }),
        ...(values['no-cache']
          ? { cacheDir: false as const }
          : values['cache-dir']
            ? { cacheDir: values['cache-dir'] }
            : {}),
      });
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatRunSummary(report));
      return 0;
    } catch (e) {
      if (e instanceof GateError) {
        if (values.json) io.out(`${JSON.stringify(e.report, null, 2)}\n`);
        else io.out(formatRunSummary(e.report));
        io.err(`enxuto: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
