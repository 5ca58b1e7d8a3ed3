// `enxuto bench <model>`: latency and throughput on generated inputs of the model's shapes.
import { DEFAULT_LIMITS } from '@enxuto/io';
import { readFileChecked } from '@enxuto/io/node';
import { ConfigError, LazyTensor, type Model } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import {
  concreteShape,
  defaultBackend,
  generateInputs,
  getBackend,
  measureLatency,
  type TensorInfo,
} from '@enxuto/runtime/node';
import { intOption, positionals, parseCommandArgs, type Command } from './command.js';

export interface BenchReport {
  model: string;
  format: string;
  runtime: string;
  threads: number | null;
  batch: number;
  inputs: { name: string; dtype: string; shape: number[] }[];
  warmup: number;
  runs: number;
  latencyMs: { min: number; p50: number; p95: number; mean: number };
  /** Batch items per second at the mean latency. */
  throughputPerSec: number;
}

/** `--shape name=d0,d1,...` (repeatable) into a map; a ConfigError naming the bad one. */
export function parseShapes(specs: readonly string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const name = spec.slice(0, eq);
    const dims = spec.slice(eq + 1).split(',');
    if (eq <= 0 || dims.some((d) => !/^\d+$/.test(d.trim()))) {
      throw new ConfigError(`--shape expects name=d0,d1,... with whole numbers, got '${spec}'`, {
        code: 'cli/bad-argument',
        field: '--shape',
      });
    }
    shapes[name] = dims.map(Number);
  }
  return shapes;
}

/** Whether some weight is read lazily from a file region (ONNX external data). */
function hasExternalData(model: Model): boolean {
  return model.graph.initializers().some((v) => v.const instanceof LazyTensor && v.const.source !== undefined);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure latency (min/p50/p95) and throughput in onnxruntime on generated inputs',
  usage: `enxuto bench <model> [--runtime ort-node|ort-web] [--runs N] [--warmup N] [--threads N]
             [--batch N] [--shape name=d0,d1,...] [--json]

  --runtime <name>  ort-node (native; the default when onnxruntime-node is installed) or ort-web (wasm, as in browsers)
  --runs N          timed runs (default 50)
  --warmup N        untimed runs first (default 5)
  --threads N       intra-op threads (default: the runtime's choice)
  --batch N         size of a symbolic first dimension (default 1; other symbolic dims are 1)
  --shape n=d,...   exact shape of input n (repeatable); wins over --batch
  --json            print a JSON report (documented in docs/cli.md)`,
  async run(argv, io) {
    const { values, positionals: pos } = parseCommandArgs('bench', argv, {
      runtime: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      batch: { type: 'string' },
      shape: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    });
    const [file] = positionals('bench', pos, ['model']) as [string];
    const runs = intOption('runs', values.runs, 50, 1);
    const warmup = intOption('warmup', values.warmup, 5, 0);
    const batch = intOption('batch', values.batch, 1, 1, 65536);
    const threads = values.threads === undefined ? undefined : intOption('threads', values.threads, 1, 1, 256);
    const shapes = parseShapes(values.shape ?? []);
    const backend = values.runtime ? getBackend(values.runtime) : defaultBackend();

    const { model, format } = await readModel(file);
    // An ONNX file runs as given; other formats, and ONNX files whose weights live in external
    // data files (onnxruntime cannot find those from bytes alone), run as the ONNX the IR writes.
    const source =
      format === 'onnx' && !hasExternalData(model)
        ? readFileChecked(file, { maxBytes: DEFAULT_LIMITS.maxFileBytes, option: 'maxFileBytes' }).bytes
        : model;
    const session = await backend.createSession(source, { name: file, ...(threads !== undefined ? { threads } : {}) });
    try {
      for (const name of Object.keys(shapes)) {
        if (!session.inputs.some((i) => i.name === name)) {
          throw new ConfigError(
            `--shape names ${name}, which is not an input (inputs: ${session.inputs.map((i) => i.name).join(', ')})`,
            {
              code: 'cli/bad-argument',
              file,
              field: '--shape',
            },
          );
        }
      }
      const feeds = generateInputs(session.inputs, { batch, shapes, seed: 1 });
      const stats = await measureLatency(session, feeds, { runs, warmup, batch });
      const report: BenchReport = {
        model: file,
        format,
        runtime: backend.name,
        threads: threads ?? null,
        batch,
        inputs: session.inputs.map((i: TensorInfo) => ({
          name: i.name,
          dtype: i.dtype ?? 'unknown',
          shape: concreteShape(i, { batch, shapes }),
        })),
        warmup,
        runs,
        latencyMs: {
          min: round(stats.minMs),
          p50: round(stats.p50Ms),
          p95: round(stats.p95Ms),
          mean: round(stats.meanMs),
        },
        throughputPerSec: round(stats.throughputPerSec),
      };
      io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatBench(report));
      return 0;
    } finally {
      await session.release();
    }
  },
};

function formatBench(r: BenchReport): string {
  return [
    `${r.model} on ${r.runtime}${r.threads ? ` (${r.threads} threads)` : ''}, batch ${r.batch}`,
    ...r.inputs.map((i) => `  input ${i.name}: ${i.dtype} [${i.shape.join(',')}]`),
    `  ${r.warmup} warm-up, ${r.runs} timed runs`,
    `  latency     min ${r.latencyMs.min} ms  p50 ${r.latencyMs.p50} ms  p95 ${r.latencyMs.p95} ms`,
    `  throughput  ${r.throughputPerSec} items/s`,
    '',
  ].join('\n');
}
