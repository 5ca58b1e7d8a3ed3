// Sweep benchmark: how a sweep's wall time falls with worker processes. `cpu`: the real command
// (`enxuto sweep`, built) on 6 CPU-bound trials (quantize-static on the shared MNIST CNN), 1 vs 2
// single-threaded workers. `wait`: 32 trials that only wait 1.5 s, 1 vs 16 local workers: what is
// lost is the engine's own overhead. `queue`: the same waiting trials as BullMQ jobs on a
// redis-server of the benchmark's own, one `enxuto worker` with concurrency 1 vs 16.
// Run after `npm run build` (worker processes then load compiled code, as for users):
//   cd packages/sweep && flock /tmp/enxuto-bench.lock npx tsx bench/sweep.bench.ts [cpu] [wait] [queue]
// Writes BENCHMARKS-sweep.md here; then `node tools/scripts/merge-reports.mjs` at the root.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sharedPath, tempDir } from '@enxuto/test-support';
import { startRedis } from '@enxuto/test-support/redis';
import { loadSweepFile, localEngine, realRoots, runSweep, type TrialEngine } from '@enxuto/sweep';
import { queueEngine, startQueueWorker } from '@enxuto/sweep/queue';
import { sweepFolder, WAIT_TRIAL } from '../test/fixtures.js';

const SECRET = 'bench-secret-0123456789abcdef';
const sections = process.argv.slice(2);
const want = (s: string) => sections.length === 0 || sections.includes(s);
const tmp = tempDir('enxuto-sweep-bench-');
const rows: string[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (xs: number[]) => `${xs.map((x) => x.toFixed(1)).join(' / ')} s`;

/** Runs `measure(a)`, `measure(b)`, `measure(b)`, `measure(a)` (interleaved: drift hits both). */
async function abba<T>(a: T, b: T, measure: (x: T, run: number) => Promise<number>) {
  const ta: number[] = [];
  const tb: number[] = [];
  let run = 0;
  for (const x of [a, b, b, a]) (x === a ? ta : tb).push(await measure(x, run++));
  return { ta, tb, ratio: mean(tb) / mean(ta) };
}

function cpuSection() {
  const cli = join(repoRoot, 'packages', 'cli', 'bin', 'enxuto.js');
  const mnist = (f: string) => sharedPath('data', 'mnist', f);
  const set = [
    `input=${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}`,
    `data.evaluation.images=${mnist('t10k-images-idx3-ubyte.gz')}`,
    `data.evaluation.labels=${mnist('t10k-labels-idx1-ubyte.gz')}`,
  ].flatMap((s) => ['--set', s]);
  return abba(1, 2, async (workers, run) => {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [
        cli,
        'sweep',
        join(repoRoot, 'examples', 'sweep', 'quantize.sweep.yaml'),
        ...set,
        '--workers',
        String(workers),
      ].concat(['--no-latency', '--no-cache', '--threads', '1', '--out', join(tmp.path, `cpu-${run}`)]),
      { stdio: 'ignore' },
    );
    const s = (performance.now() - t0) / 1000;
    console.log(`cpu: ${workers} worker(s): ${s.toFixed(1)} s`);
    return s;
  });
}

async function waitSweep(engine: TrialEngine, run: number): Promise<number> {
  const f = sweepFolder({}, { search: { seed: Array.from({ length: 32 }, (_, i) => 10 + i) }, out: `run-${run}` });
  try {
    const t0 = performance.now();
    const { results } = await runSweep(loadSweepFile(f.sweepFile), { engine, latency: false, cacheDir: false });
    if (results.trials.length !== 32) throw new Error(`expected 32 trials, got ${results.trials.length}`);
    return (performance.now() - t0) / 1000;
  } finally {
    f.cleanup();
  }
}

async function waitSection() {
  return abba(1, 16, async (workers, run) => {
    const engine = localEngine({ workers, trialModule: WAIT_TRIAL });
    try {
      const s = await waitSweep(engine, run);
      console.log(`wait: ${workers} worker(s): ${s.toFixed(1)} s`);
      return s;
    } finally {
      await engine.close();
    }
  });
}

async function queueSection() {
  const redis = await startRedis();
  try {
    return await abba(1, 16, async (concurrency, run) => {
      const worker = await startQueueWorker({
        url: redis.url,
        secret: SECRET,
        concurrency,
        trialModule: WAIT_TRIAL,
        roots: realRoots(['/tmp', join(sharedPath('models'), '..')]),
        allowPlugins: [],
      });
      const engine = queueEngine({ url: redis.url, secret: SECRET, pollMs: 100 });
      try {
        const s = await waitSweep(engine, run);
        console.log(`queue: concurrency ${concurrency}: ${s.toFixed(1)} s`);
        return s;
      } finally {
        await engine.close();
        await worker.close(true);
      }
    });
  } finally {
    await redis.stop();
  }
}

process.env.ENXUTO_TEST_WAIT_MS = '1500';
const load0 = loadavg()[0]!.toFixed(1);
if (want('cpu')) {
  const r = await cpuSection();
  rows.push(
    `| 6 CPU-bound trials (\`enxuto sweep examples/sweep/quantize.sweep.yaml\`, quantize-static on mnist-8, 2,000 test digits), single-threaded workers | 1 → 2 workers | ${fmt(r.ta)} | ${fmt(r.tb)} | **${r.ratio.toFixed(2)}x** the time | ≤ 0.6x |`,
  );
}
if (want('wait')) {
  const r = await waitSection();
  rows.push(
    `| 32 trials that only wait 1.5 s, local worker processes | 1 → 16 workers | ${fmt(r.ta)} | ${fmt(r.tb)} | **${(1 / r.ratio).toFixed(1)}x** faster | ≥ 12x |`,
  );
}
if (want('queue')) {
  const r = await queueSection();
  rows.push(
    `| the same 32 waiting trials as BullMQ jobs on Redis, one \`enxuto worker\` | concurrency 1 → 16 | ${fmt(r.ta)} | ${fmt(r.tb)} | **${(1 / r.ratio).toFixed(1)}x** faster | — |`,
  );
}
tmp.cleanup();

const doc = `# Sweeps (\`@enxuto/sweep\`)

Run: \`npm run build && cd packages/sweep && flock /tmp/enxuto-bench.lock npx tsx bench/sweep.bench.ts\`.
Wall time of whole sweeps (planning, worker process start-up, trials, results), each configuration
measured twice, interleaved (A B B A) in one run. Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with
other work (load average ${load0} at the start${rows.length ? `, ${loadavg()[0]!.toFixed(1)} at the end` : ''}).

| sweep | from → to | time, from | time, to | ratio | goal |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

The failure scenarios with Redis are tests, not timings (\`packages/sweep/src/queue/queue-recovery.test.ts\`,
\`queue.test.ts\`, \`packages/cli/src/commands/sweep.test.ts\`): two workers, one killed with SIGKILL
mid-trial — every trial recorded exactly once, none lost, the killed one retried elsewhere; a worker
started late takes trials; a worker frozen past its lock — the trial runs twice and is recorded once;
Redis killed and restarted from its append-only file mid-sweep — the sweep resumes and completes;
the coordinator stopped and started again — no trial added or run twice; unsigned and forged jobs —
refused, nothing runs; a CPU-bound trial under a 600 ms lock — never retried (attempts 1).
`;
writeFileSync(join(import.meta.dirname, '..', 'BENCHMARKS-sweep.md'), doc);
console.log(doc);
