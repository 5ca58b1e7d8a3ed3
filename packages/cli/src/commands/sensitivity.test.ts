// `enxuto sweep` sensitivity sweeps on the shared MNIST CNN: each layer alone quantized or pruned,
// the rest untouched (checked in every trial's report), and sensitivity.json with one entry per
// layer and level.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import type { SensitivityFile, SweepResults } from '@enxuto/sweep';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const tmp = tempDir('enxuto-cli-sensitivity-');
afterAll(() => tmp.cleanup());
const SLOW = 600_000;
const LAYERS = ['Convolution28', 'Convolution110', 'Times212'];

function folder(name: string, sensitivity: string): string {
  const dir = join(tmp.path, name);
  mkdirSync(dir, { recursive: true });
  const mnist = (f: string) => sharedPath('data', 'mnist', f);
  writeFileSync(
    join(dir, 'base.pipeline.yaml'),
    `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}
roots: [${sharedDir()}]
data:
  calibration: { type: mnist, split: train, count: 64, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
  evaluation:
    type: mnist-idx
    images: ${mnist('t10k-images-idx3-ubyte.gz')}
    labels: ${mnist('t10k-labels-idx1-ubyte.gz')}
    count: 300
    preprocess: { scale: 255, shape: [1, 1, 28, 28] }
passes: [fold-batchnorm]
outputs: [out/model.onnx]
`,
  );
  writeFileSync(join(dir, 'sensitivity.yaml'), `pipeline: base.pipeline.yaml\nsensitivity: ${sensitivity}\n`);
  return dir;
}

async function sweep(dir: string) {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t), isTTY: false };
  const code = await runCli(['sweep', join(dir, 'sensitivity.yaml'), '--workers', '2'], io, {});
  expect(code, stderr).toBe(0);
  const read = <T>(f: string) => JSON.parse(readFileSync(join(dir, 'sweep-out', f), 'utf8')) as T;
  return {
    stdout,
    results: read<SweepResults>('results.json'),
    sensitivity: read<SensitivityFile>('sensitivity.json'),
  };
}

/** Runs base.pipeline.yaml with `pass` instead of its passes; the pass's stats from report.json. */
async function runWith(dir: string, pass: unknown): Promise<Record<string, unknown>> {
  const file = join(dir, 'use.pipeline.yaml');
  const base = readFileSync(join(dir, 'base.pipeline.yaml'), 'utf8');
  writeFileSync(
    file,
    `${base.replace('passes: [fold-batchnorm]', `passes: [${JSON.stringify(pass)}]`)}report: out/report\n`,
  );
  let stderr = '';
  const io = { out: () => undefined, err: (t: string) => void (stderr += t), isTTY: false };
  expect(await runCli(['run', file], io, {}), stderr).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'out', 'report', 'report.json'), 'utf8')).steps[0].stats;
}

/** Per-layer stats of a trial's only pass, from its report.json. */
function trialLayers(dir: string, id: string): { name: string; sparsity?: number }[] {
  const report = JSON.parse(readFileSync(join(dir, 'sweep-out', 'trials', id, 'report', 'report.json'), 'utf8'));
  return report.steps[0].stats.layers;
}

describe('sensitivity sweeps', () => {
  it(
    'prunes each layer alone and records the accuracy it costs',
    async () => {
      const dir = folder('prune', '{ method: prune, sparsities: [0.9] }');
      const { sensitivity, stdout } = await sweep(dir);
      expect(sensitivity.method).toBe('prune');
      expect(sensitivity.metric).toBe('accuracy');
      expect(sensitivity.layers.map((l) => [l.node, l.opType])).toEqual([
        ['Convolution28', 'Conv'],
        ['Convolution110', 'Conv'],
        ['Times212', 'MatMul'],
      ]);
      for (const l of sensitivity.layers) {
        expect(l.results).toHaveLength(1);
        const r = l.results[0]!;
        expect(r.sparsity).toBe(0.9);
        // 90 % of one layer's weights costs accuracy on every layer of this small CNN.
        expect(r.drop!).toBeGreaterThan(0.01);
        expect(r.value! + r.drop!).toBeCloseTo(sensitivity.baseline, 6);
        const stats = trialLayers(dir, r.trial);
        for (const s of stats) expect(s.sparsity).toBeCloseTo(s.name === l.node ? 0.9 : 0, 2);
      }
      expect(stdout).toMatch(/^3 layers, each pruned alone; accuracy of the input model/);
      // prune-magnitude takes it: 30 % overall, from the layers whose 90 % cost least per weight.
      const stats = await runWith(dir, {
        type: 'prune-magnitude',
        options: { sparsity: 0.3, sensitivity: join(dir, 'sweep-out', 'sensitivity.json') },
      });
      expect(stats.sparsity as number).toBeCloseTo(0.3, 3);
      const perWeight = sensitivity.layers.map((l) => l.results[0]!.drop! / l.parameters);
      const layers = stats.layers as { name: string; sparsity: number }[];
      const costliest = sensitivity.layers[perWeight.indexOf(Math.max(...perWeight))]!.node;
      expect(layers.find((l) => l.name === costliest)!.sparsity).toBe(0);
    },
    SLOW,
  );

  it(
    'quantizes each layer alone (the first conv too) and writes one int8 result per layer',
    async () => {
      const dir = folder('quantize', '{ method: quantize }');
      const { sensitivity, results } = await sweep(dir);
      expect(results.trials.map((t) => t.settings.layer)).toEqual(LAYERS);
      expect(sensitivity.layers.map((l) => l.results.map((r) => r.precision))).toEqual([['int8'], ['int8'], ['int8']]);
      for (const l of sensitivity.layers) {
        expect(trialLayers(dir, l.results[0]!.trial).map((s) => s.name)).toEqual([l.node]);
        expect(l.results[0]!.drop).not.toBeNull();
      }
      // quantize-auto takes it: the ranking is the file's, nothing is measured again.
      const stats = await runWith(dir, {
        type: 'quantize-auto',
        options: {
          minInputChannels: 0,
          calibrationSamples: 64,
          sensitivity: join(dir, 'sweep-out', 'sensitivity.json'),
        },
      });
      expect(stats.sensitivitySource).toBe('file');
      expect((stats.layers as { sensitivity: number }[]).map((l) => l.sensitivity)).toEqual(
        sensitivity.layers.map((l) => l.results[0]!.drop),
      );
    },
    SLOW,
  );
});
