// `enxuto sweep` on real trials (quantize-static on the shared MNIST model): local worker processes,
// the best pipeline re-run gives the best trial's bytes, no passing trial exits 2; and the docs'
// plain commands as local processes: a Redis, two `enxuto worker`s (one killed mid-trial, a third
// started late) and `enxuto sweep --queue`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { startRedis } from '@enxuto/test-support/redis';
import type { SweepResults } from '@enxuto/sweep';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlSafe } from '@enxuto/pipeline';
import { runCli } from '../cli.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const SECRET = 'cli-test-secret-0123456789';
const tmp = tempDir('enxuto-cli-sweep-');
// Trials run in processes that each load the passes from TypeScript sources: minutes, not seconds,
// when the machine is busy.
const SLOW = 300_000;
afterAll(() => tmp.cleanup());

function folder(name: string, gates = '[{ metric: accuracy, maxDrop: 0.02 }]', perChannel = '[true, false]') {
  const dir = join(tmp.path, name);
  const mnist = (f: string) => sharedPath('data', 'mnist', f);
  const base = `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}
roots: [${sharedDir()}]
data:
  calibration: { type: mnist, split: train, count: 64, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
  evaluation:
    type: mnist-idx
    images: ${mnist('t10k-images-idx3-ubyte.gz')}
    labels: ${mnist('t10k-labels-idx1-ubyte.gz')}
    count: 300
    preprocess: { scale: 255, shape: [1, 1, 28, 28] }
passes:
  - { type: quantize-static, options: { calibrationSamples: 64 } }
gates: ${gates}
outputs: [out/mnist.int8.onnx]
evaluation: { latencyRuns: 5 }
`;
  const sweep = `pipeline: base.pipeline.yaml
search:
  passes.0.options.perChannel: ${perChannel}
objective: { minimize: sizeBytes }
`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'base.pipeline.yaml'), base);
  writeFileSync(join(dir, 'sweep.yaml'), sweep);
  return dir;
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTTY: false }, {});
  return { code, stdout, stderr };
}

describe('enxuto sweep (local worker processes)', () => {
  it(
    'runs examples/sweep, ranks the trials, and best.pipeline.yaml reproduces the best model byte for byte',
    async () => {
      const out = join(tmp.path, 'example');
      const mnist = (f: string) => sharedPath('data', 'mnist', f);
      const set = [
        `input=${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}`,
        `roots.0=${sharedDir()}`,
        `data.evaluation.images=${mnist('t10k-images-idx3-ubyte.gz')}`,
        `data.evaluation.labels=${mnist('t10k-labels-idx1-ubyte.gz')}`,
        'data.evaluation.count=300',
        'data.calibration.count=64',
        'passes.0.options.calibrationSamples=64',
        'evaluation.latencyRuns=5',
        `outputs.0=${join(out, 'best', 'mnist.int8.onnx')}`,
      ].flatMap((s) => ['--set', s]);
      const sweepFile = join(repoRoot, 'examples', 'sweep', 'quantize.sweep.yaml');
      const r = await cli([
        'sweep',
        sweepFile,
        ...set,
        '--out',
        join(out, 'sweep'),
        '--budget-trials',
        '2',
        '--workers',
        '2',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /^trial [12]\/2 \w{12} calibration=minmax perChannel=(true|false): passed, [\d.]+ KiB, accuracy/m,
      );
      expect(r.stderr).toMatch(/measuring latency of the candidates/);
      const results = JSON.parse(readFileSync(join(out, 'sweep', 'results.json'), 'utf8')) as SweepResults;
      expect(results.trials.map((t) => t.settings)).toEqual([
        { 'passes.0.options.calibration': 'minmax', 'passes.0.options.perChannel': true },
        { 'passes.0.options.calibration': 'minmax', 'passes.0.options.perChannel': false },
      ]);
      // One scale per tensor takes fewer bytes than one per channel.
      expect(results.best?.settings).toMatchObject({ 'passes.0.options.perChannel': false });
      expect(results.best?.metrics?.after?.latencyP50Ms).toBeGreaterThan(0);
      expect(r.stdout).toMatch(
        /best: \w{12} \{"passes.0.options.calibration":"minmax","passes.0.options.perChannel":false\}/,
      );
      const run = await cli(['run', join(out, 'sweep', 'best.pipeline.yaml'), '--no-cache']);
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(out, 'best', 'mnist.int8.onnx'))).toEqual(readFileSync(results.best!.model!));
      expect(readFileSync(join(out, 'sweep', 'report.html'), 'utf8')).toContain(
        `<code id="best">${results.best!.id}</code>`,
      );
    },
    SLOW,
  );
  it(
    'exits 2 when no trial passes its gates',
    async () => {
      const dir = folder('nopass', '[{ metric: sizeBytes, max: 100 }]', '[true]');
      const r = await cli(['sweep', join(dir, 'sweep.yaml'), '--workers', '1', '--no-latency']);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/no trial passed its gates/);
      expect(r.stderr).toMatch(/gate-failed, .*sizeBytes \d+ is above 100/);
    },
    SLOW,
  );
});

interface Proc {
  child: ChildProcess;
  out: string;
  waitFor(re: RegExp): Promise<string>;
}

function enxuto(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN, ...args], {
    env: { ...process.env, ENXUTO_QUEUE_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = {
    child,
    out: '',
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(p.out);
          if (m) {
            child.stdout!.off('data', check);
            resolve(m[0]);
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', () => reject(new Error(`exited before ${re}: ${p.out}`)));
        check();
      }),
  };
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => (p.out += d.toString()));
  return p;
}

const exited = (p: Proc) =>
  new Promise<number | null>((resolve) =>
    p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', (c) => resolve(c)),
  );

describe('examples/sweep/compose.yaml (documented, not run here)', () => {
  it('runs Redis with the append-only file and noeviction, and workers with enxuto worker and the secret', () => {
    const compose = parseYamlSafe(readFileSync(join(repoRoot, 'examples', 'sweep', 'compose.yaml'), 'utf8')) as {
      services: Record<string, { command: string; environment?: Record<string, string> }>;
    };
    expect(compose.services.redis!.command).toMatch(/--appendonly yes .*--maxmemory-policy noeviction/);
    expect(compose.services.worker!.command).toMatch(/^npx enxuto worker --queue redis:\/\/redis:6379 /);
    expect(Object.keys(compose.services.worker!.environment!)).toContain('ENXUTO_QUEUE_SECRET');
  });
});

describe('enxuto sweep --queue and enxuto worker, as local processes', () => {
  it(
    'two workers, one killed mid-trial: every trial recorded once, none lost',
    async () => {
      const redis = await startRedis();
      const dir = folder('queue', '[{ metric: accuracy, maxDrop: 0.02 }]', '[true, false]');
      writeFileSync(
        join(dir, 'sweep.yaml'),
        `pipeline: base.pipeline.yaml
search:
  passes.0.options.perChannel: [true, false]
  passes.0.options.calibration: [minmax, percentile]
`,
      );
      const roots = ['--root', dir, '--root', sharedDir()];
      const procs: Proc[] = [];
      try {
        const [a, b] = [0, 1].map(() =>
          enxuto(['worker', '--queue', redis.url, '--concurrency', '1', '--lock-seconds', '2', ...roots]),
        );
        procs.push(a!, b!);
        await Promise.all([a!.waitFor(/ready/), b!.waitFor(/ready/)]);
        const sweep = enxuto(['sweep', join(dir, 'sweep.yaml'), '--queue', redis.url, '--no-latency']);
        procs.push(sweep);
        await a!.waitFor(/trial \w+ started/);
        a!.child.kill('SIGKILL');
        const late = enxuto([
          'worker',
          '--queue',
          redis.url,
          '--concurrency',
          '1',
          '--lock-seconds',
          '2',
          '--name',
          'late',
          ...roots,
        ]);
        procs.push(late);
        expect(await exited(sweep)).toBe(0);
        const results = JSON.parse(readFileSync(join(dir, 'sweep-out', 'results.json'), 'utf8')) as SweepResults;
        expect(results.trials).toHaveLength(4);
        expect(new Set(results.trials.map((t) => t.key)).size).toBe(4);
        expect(results.trials.every((t) => t.status === 'passed')).toBe(true);
        expect(results.sweep.engine).toMatch(/^queue redis:\/\/127\.0\.0\.1:\d+/);
        const killedId = /trial (\w+) started/.exec(a!.out)![1]!;
        expect(results.trials.find((t) => t.id === killedId)!.attempts).toBeGreaterThanOrEqual(2);
        expect(results.trials.every((t) => !t.worker.endsWith(`:${a!.child.pid}/0`))).toBe(true);
      } finally {
        for (const p of procs) p.child.kill('SIGKILL');
        await redis.stop();
      }
    },
    SLOW,
  );
});
