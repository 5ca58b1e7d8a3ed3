// Streaming benchmark (issue 17): a synthetic decoder of >= 2 GB with external data, made into each
// dtype variant (q4 by round to nearest and by GPTQ), each in a fresh process: peak RSS and weights
// per second. Runs: fp16 q8 q4 q4f16 bnb4 gptq (default: all but bnb4).
//   npm run bench:llm-stream -w @enxuto/bench [-- q4 gptq] [--layers N] [--note text]   (results merged run by run into
//   tools/bench/llm/RESULTS-stream.json and RESULTS.md; --layers: fewer blocks of the same widths;
//   --note: a remark printed with the run, e.g. that it was not under the lock)
// Timings take /tmp/enxuto-bench.lock (run under `flock /tmp/enxuto-bench.lock`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { variantFileName, type Dtype } from '@enxuto/hf';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { npyInt64 } from '../quant-models/reference.js';
import { writeResults } from './report.js';
import { streamResultsFile } from './stream-report.js';
import { decoderParameters, writeSyntheticDecoder, type DecoderShape } from './synthetic-decoder.js';

const { values, positionals: asked } = parseArgs({
  options: { layers: { type: 'string', default: '36' }, note: { type: 'string' } },
  allowPositionals: true,
});
const layers = Number(values.layers);
const work = process.env.ENXUTO_LLM_BENCH_DIR ?? '/tmp/enxuto-llm-bench';
const full: DecoderShape = { layers: 36, hidden: 1024, ffn: 2816, vocab: 32000, heads: 16 };
// --layers N: the same widths with fewer blocks (a quicker figure, recorded under its own name).
const shape: DecoderShape = { ...full, layers };
const src = join(work, layers === full.layers ? 'synthetic-decoder' : `synthetic-decoder-${layers}-layers`);
const floatBytes = decoderParameters(shape) * 4;

/** Token ids spread over the vocabulary (the weights are random: any ids calibrate as well). */
function syntheticIds(rows: number, length: number, vocab: number): number[] {
  return Array.from({ length: rows * length }, (_, i) => (i * 2654435761) % vocab);
}

interface RunResult {
  seconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
  bytes: number;
  measured: string;
  /** Float32 weights of the model the run was on. */
  floatBytes: number;
  /** The machine's 1-minute load average when the run started (2 cores; shared). */
  loadAverage: number;
  note?: string;
}

function run(name: string, tokens: string): RunResult {
  const dtype = name === 'gptq' ? 'q4' : (name as Dtype);
  const out = join(work, `out-${name}-${layers}-layers`);
  rmSync(out, { recursive: true, force: true });
  const method = name === 'gptq' ? 'gptq' : 'rtn';
  const loadAverage = Number(loadavg()[0]!.toFixed(1));
  const args = ['--conditions=source', join(import.meta.dirname, 'stream-child.ts'), src, out, dtype, method, tokens];
  const stdout = execFileSync(join(import.meta.dirname, '../../../node_modules/.bin/tsx'), args, {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
  const file = join(out, 'onnx', variantFileName('model', dtype));
  const bytes = statSync(`${file}_data`).size + statSync(file).size;
  rmSync(out, { recursive: true, force: true });
  const note = values.note ? { note: values.note } : {};
  return { ...r, bytes, floatBytes, measured: new Date().toISOString(), loadAverage, ...note };
}

mkdirSync(work, { recursive: true });
if (
  !existsSync(join(src, 'onnx/model.onnx_data')) ||
  statSync(join(src, 'onnx/model.onnx_data')).size < floatBytes * 0.99
) {
  console.log(`making the synthetic decoder (${(floatBytes / 1e9).toFixed(2)} GB) in ${src}`);
  writeSyntheticDecoder(src, shape);
}
const tokens = join(work, `calibration-${layers}-layers.npy`);
writeFileSync(tokens, npyInt64([8, 128], syntheticIds(8, 128, shape.vocab)));
const RUNS = ['fp16', 'q8', 'q4', 'q4f16', 'bnb4', 'gptq'];
const bad = asked.filter((a) => !RUNS.includes(a));
if (bad.length) throw new Error(`unknown runs ${bad.join(', ')} (known: ${RUNS.join(', ')})`);
for (const name of asked.length ? asked : RUNS.filter((r) => r !== 'bnb4')) {
  const key = layers === full.layers ? name : `${name}, ${layers} layers`;
  const result = run(name, tokens);
  console.log(key, result);
  // Read again just before writing: another run may have added its result meanwhile.
  const before = existsSync(streamResultsFile) ? JSON.parse(readFileSync(streamResultsFile, 'utf8')) : {};
  const runs: Record<string, RunResult> = { ...before.runs, [key]: result };
  const doc = { shape: full, floatBytes: decoderParameters(full) * 4, calibration: '8 windows x 128 tokens', runs };
  writeFileSync(streamResultsFile, `${JSON.stringify(doc, null, 2)}\n`);
  writeResults();
}
