// A trial module for engine and queue tests: instead of running passes it waits (or keeps a core
// busy), optionally logs each execution to a file, and reports metrics derived from the trial's
// `seed` setting, so every result is predictable: seed 4 fails its gates, a seed of 100 or more
// crashes the process. With ENXUTO_TEST_HOLD_FILE set, a trial waits until that file exists
// before its own wait, so a test can hold every trial until its workers are in place. Plain JavaScript, so a worker process loads it with no compiler: the
// benchmark (bench/sweep.bench.ts) measures the engine's own overhead with it.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = (name, fallback) => Number(process.env[name] ?? fallback);

/** @type {import('../src/trial.js').TrialRunner} */
export const runTrial = async (job) => {
  const t0 = performance.now();
  const log = process.env.ENXUTO_TEST_EXECUTIONS;
  if (log) appendFileSync(log, `${job.key} start ${process.pid}\n`);
  const seed = Number(job.settings.seed ?? 0);
  if (seed >= 100) process.exit(3);
  const hold = process.env.ENXUTO_TEST_HOLD_FILE;
  while (hold && !existsSync(hold)) await new Promise((r) => setTimeout(r, 50));
  const spin = env('ENXUTO_TEST_SPIN_MS', 0);
  if (spin > 0) {
    // Busy: no await, so this process's event loop is blocked for the whole time.
    while (performance.now() - t0 < spin) Math.sqrt(Math.random());
  } else {
    await new Promise((r) => setTimeout(r, env('ENXUTO_TEST_WAIT_MS', 100)));
  }
  if (log) appendFileSync(log, `${job.key} end ${process.pid}\n`);
  // A stand-in for the trial's model: results of passing trials point at a file that exists.
  mkdirSync(job.trialDir, { recursive: true });
  writeFileSync(join(job.trialDir, 'model.onnx'), String(seed));
  const after = {
    samples: 100,
    sizeBytes: 10_000 - seed * 1000,
    accuracy: 0.99 - seed * 0.01,
    parameters: 10,
    nonZero: 10,
  };
  return {
    status: seed === 4 ? 'gate-failed' : 'passed',
    metrics: { before: { samples: 100, sizeBytes: 20_000, accuracy: 0.99, parameters: 10, nonZero: 10 }, after },
    gates: [],
    ...(seed === 4 ? {} : { model: join(job.trialDir, 'model.onnx') }),
    seconds: (performance.now() - t0) / 1000,
  };
};
