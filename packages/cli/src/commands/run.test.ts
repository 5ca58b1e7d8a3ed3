// The pipeline commands: run, eval, passes, schema, new-pass (in-process through runCli, and one
// spawned run for the exit codes).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { enxuto } from '../test-cli.js';

const tmp = tempDir('enxuto-cli-run-');
afterAll(() => tmp.cleanup());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), isTTY: false }, out, err };
}

const evaluation = `
roots: [${sharedDir()}]
data:
  evaluation:
    type: mnist-idx
    images: ${sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')}
    labels: ${sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')}
    count: 100
    preprocess: { scale: 255, shape: [1, 1, 28, 28] }
evaluation: { latencyRuns: 2 }
`;

function pipeline(name: string, body: string): string {
  const file = join(tmp.path, name);
  writeFileSync(file, `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}\n${evaluation}${body}`);
  return file;
}

describe('enxuto passes / schema', () => {
  it('lists the graph passes with their option schemas', async () => {
    const c = capture();
    expect(await runCli(['passes', '--json'], c.io)).toBe(0);
    const list = JSON.parse(c.out.join('')) as {
      name: string;
      summary: string;
      options: { properties?: Record<string, unknown> };
    }[];
    const names = list.map((p) => p.name);
    for (const n of ['eliminate-dead-code', 'eliminate-identity', 'fold-batchnorm', 'fold-constants'])
      expect(names).toContain(n);
    const fc = list.find((p) => p.name === 'fold-constants')!;
    expect(fc.options.properties).toHaveProperty('maxElements');
    const text = capture();
    expect(await runCli(['passes'], text.io)).toBe(0);
    expect(text.out.join('')).toMatch(/^fold-constants\n {2}Compute nodes/m);
    expect(text.out.join('')).toMatch(/maxElements: integer = 1048576/);
  });

  it('lists the passes of plugins named by --plugin or by a pipeline file', async () => {
    const source = async (args: string[]) => {
      const c = capture();
      expect(await runCli(['passes', '--json', ...args], c.io), c.err.join('')).toBe(0);
      const list = JSON.parse(c.out.join('')) as { name: string; source: string }[];
      return list.find((p) => p.name === 'example/clamp-weights')?.source;
    };
    expect(await source([])).toBeUndefined();
    expect(await source(['--plugin', '@enxuto/plugin-example'])).toBe('@enxuto/plugin-example');
    const examplePipeline = join(repoRoot, 'examples', 'plugin.pipeline.yaml');
    expect(await source(['--pipeline', examplePipeline])).toBe('@enxuto/plugin-example');
    const missing = capture();
    expect(await runCli(['passes', '--plugin', '@acme/not-installed'], missing.io)).toBe(1);
    expect(missing.err.join('')).toMatch(
      /plugin @acme\/not-installed is not installed .*npm install @acme\/not-installed/,
    );
  });

  it('prints a JSON Schema listing every pass', async () => {
    const c = capture();
    expect(await runCli(['schema'], c.io)).toBe(0);
    const schema = JSON.parse(c.out.join(''));
    expect(schema.title).toBe('enxuto pipeline');
    expect(schema.properties.passes.items.anyOf[0].enum).toContain('fold-batchnorm');
  });
});

describe('enxuto run', () => {
  it('runs a pipeline with --set overrides and prints the summary', async () => {
    const file = pipeline(
      'ok.yaml',
      'passes: [fold-constants, { type: eliminate-dead-code }]\noutputs: [out/ok.onnx]\nreport: out/report\n',
    );
    const c = capture();
    const code = await runCli(['run', file, '--set', 'passes.1.options.initializers=false', '--no-cache'], c.io);
    expect(c.err.join('')).not.toMatch(/^enxuto:/m);
    expect(code).toBe(0);
    expect(c.out.join('')).toMatch(/accuracy\s+\d+\.\d+%\s+\d+\.\d+%/);
    const report = JSON.parse(readFileSync(join(tmp.path, 'out', 'report', 'report.json'), 'utf8'));
    expect(report.steps[1].options).toEqual({ initializers: false });
    expect(existsSync(join(tmp.path, 'out', 'ok.onnx'))).toBe(true);
  });

  it('runs examples/plugin.pipeline.yaml with the example plugin', async () => {
    const c = capture();
    const out = join(tmp.path, 'plugin-out');
    const code = await runCli(
      [
        'run',
        join(repoRoot, 'examples', 'plugin.pipeline.yaml'),
        '--json',
        '--no-cache',
        '--set',
        `input=${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}`,
        '--set',
        `roots.0=${sharedPath('data')}`,
        '--set',
        `data.evaluation.images=${sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')}`,
        '--set',
        `data.evaluation.labels=${sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')}`,
        '--set',
        'data.evaluation.count=200',
        '--set',
        `outputs.0=${join(out, 'm.onnx')}`,
        '--set',
        `report=${join(out, 'report')}`,
      ],
      c.io,
    );
    expect(c.err.join('')).not.toMatch(/^enxuto:/m);
    expect(code).toBe(0);
    const report = JSON.parse(c.out.join(''));
    expect(report.plugins.map((p: { name: string }) => p.name)).toEqual(['@enxuto/plugin-example']);
    expect(report.steps.map((s: { pass: string }) => s.pass)).toEqual([
      'fold-constants',
      'example/clamp-weights',
      'eliminate-dead-code',
    ]);
    expect(report.gates[0].passed).toBe(true);
    expect(existsSync(join(out, 'm.onnx'))).toBe(true);
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
  });

  it('reports an unknown pass with the known ones, exit 1', async () => {
    const file = pipeline('bad.yaml', 'passes: [fold-batchnrom]\noutputs: [out/bad.onnx]\n');
    const c = capture();
    expect(await runCli(['run', file], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(
      /passes\.0: unknown pass "fold-batchnrom" \(did you mean fold-batchnorm\?\); known passes: .*eliminate-dead-code/,
    );
  });

  it('exits 2 on a failed gate and writes no model (spawned)', () => {
    const file = pipeline(
      'gate.yaml',
      'passes: [fold-constants]\ngates: [{ metric: accuracy, min: 1.01 }]\noutputs: [out/gate.onnx]\n',
    );
    const r = enxuto(['run', file, '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gate failed, no model written: accuracy .* is below 1\.01/);
    expect(existsSync(join(tmp.path, 'out', 'gate.onnx'))).toBe(false);
  });
});

describe('enxuto eval', () => {
  it('prints accuracy and agreement as JSON', async () => {
    const model = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
    const spec = `{type: mnist-idx, images: ${sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')}, labels: ${sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz')}, count: 200, preprocess: {scale: 255, shape: [1, 1, 28, 28]}}`;
    const c = capture();
    expect(
      await runCli(['eval', model, '--data', spec, '--reference', model, '--latency-runs', '3', '--json'], c.io),
    ).toBe(0);
    const m = JSON.parse(c.out.join(''));
    expect(m.samples).toBe(200);
    expect(m.accuracy).toBeGreaterThan(0.95);
    expect(m.agreement).toBe(1);
    expect(m.maxAbsError).toBe(0);
    expect(m.sizeRatio).toBe(1);
    expect(m.latencyP50Ms).toBeGreaterThan(0);
  });
});

describe('enxuto new-pass', () => {
  it('writes the package files', async () => {
    const c = capture();
    expect(await runCli(['new-pass', 'acme/prune-tiny', '--dir', join(tmp.path, 'np')], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/src\/index\.ts/);
    expect(readFileSync(join(tmp.path, 'np', 'src', 'index.ts'), 'utf8')).toMatch(/name: 'acme\/prune-tiny'/);
  });
});

describe('enxuto run, interrupted (case 36)', () => {
  const MAIN = new URL('../main.ts', import.meta.url).pathname;
  const start = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const slowPipeline = (name: string, out: string) =>
    pipeline(name, `passes: [fold-constants, eliminate-dead-code, eliminate-identity]\noutputs: [${out}]\n`).replace(
      'count: 100',
      'count: 10000',
    );

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s stops the run, exits %i and leaves no output',
    async (signal, exitCode) => {
      const file = slowPipeline(`${signal}.yaml`, `out/${signal}.onnx`);
      const child = start(['run', file, '--no-cache']);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Interrupt once the work has started (the handler is installed by then).
        if (/evaluating input model/.test(stderr) && !child.killed) child.kill(signal);
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(exitCode);
      expect(stderr).toMatch(/interrupted; no output or report written/);
      expect(existsSync(join(tmp.path, 'out', `${signal}.onnx`))).toBe(false);
    },
    120_000,
  );

  it('a run killed at any moment leaves either nothing or the complete file at the output path', async () => {
    const file = slowPipeline('kill.yaml', 'out/kill.onnx');
    const complete = enxuto([
      'run',
      file,
      '--no-cache',
      '--set',
      'data.evaluation.count=50',
      '--set',
      'outputs.0=out/complete.onnx',
    ]);
    expect(complete.code).toBe(0);
    const expected = readFileSync(join(tmp.path, 'out', 'complete.onnx'));
    for (const delayMs of [800, 2500, 4000]) {
      const child = start(['run', file, '--no-cache', '--set', 'data.evaluation.count=50', '--force']);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await Promise.race([exited, new Promise((r) => setTimeout(r, delayMs))]);
      child.kill('SIGKILL');
      await exited;
      const out = join(tmp.path, 'out', 'kill.onnx');
      if (existsSync(out)) expect(readFileSync(out).equals(expected)).toBe(true);
    }
  }, 120_000);
});
