// `enxuto sweep` sensitivity sweeps on the shared MNIST CNN: each layer alone quantized or pruned,
// the rest untouched (checked in every trial's report), and sensitivity.json with one entry per
// layer and level.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath, tempDir } from '@enxuto/test-support';
import type { SensitivityFile, SweepResults } from '@enxuto/sweep';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const tmp = tempDir('enxuto-cli-sensitivity-');
afterAll(() => tmp.cleanup());
const SLOW = 300_000;
const LAYERS = ['Convolution28', 'Convolution110', 'Times212'];

function folder(name: string, sensitivity: string): string {
  const dir = join(tmp.path, name);
  mkdirSync(dir, { recursive: true });
  const mnist = (f: string) => sharedPath('data', 'mnist', f);
  writeFileSync(
    join(dir, 'base.pipeline.yaml'),
    `input: ${sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')}
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
    },
    SLOW,
  );
});
