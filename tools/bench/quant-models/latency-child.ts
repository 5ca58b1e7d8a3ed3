// Latency of one model's float and quantized files, interleaved in one process (run under
// `flock /tmp/enxuto-bench.lock` by run.ts): onnxruntime-node with its default threads and with one,
// onnxruntime-web (wasm) with one. Reads a JSON job file, prints one JSON line.
import { readFileSync } from 'node:fs';
import { configureOrtWeb, ortWebBackend, type TensorData } from '@enxuto/runtime';
import { getBackend } from '@enxuto/runtime/node';
import { compareLatency } from '../../../packages/passes-quantize/bench/latency.js';

interface Job {
  files: string[];
  feeds: Record<string, { dtype: string; shape: number[]; data: number[] | string[] }>;
  rounds: number;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const feeds: Record<string, TensorData> = {};
for (const [k, f] of Object.entries(job.feeds)) {
  const data =
    f.dtype === 'int64'
      ? BigInt64Array.from(f.data as string[], BigInt)
      : f.dtype === 'int32'
        ? Int32Array.from(f.data as number[])
        : Float32Array.from(f.data as number[]);
  feeds[k] = { dtype: f.dtype, shape: f.shape, data } as TensorData;
}
const files = job.files.map((f) => new Uint8Array(readFileSync(f)));
configureOrtWeb({ threads: 1 });
const opts = { rounds: job.rounds, runsPerRound: 3, warmup: 5 };
const node = getBackend('ort-node');
const result = {
  nodeDefault: await compareLatency(node, files, feeds, { ...opts, threads: 0 }),
  nodeOne: await compareLatency(node, files, feeds, { ...opts, threads: 1 }),
  web: await compareLatency(ortWebBackend, files, feeds, {
    ...opts,
    rounds: Math.max(5, Math.ceil(job.rounds / 2)),
    threads: 1,
  }),
};
console.log(JSON.stringify(result));
