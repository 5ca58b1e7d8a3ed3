// The runner for pages and workers, in Node on the real onnx-mnist-8 and MNIST test digits: it
// gives the same model, metrics and bytes as runPipeline, resumes from a step store, stops on a
// signal, and refuses what a page cannot do by field before any work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError, ConfigError, UnsupportedError } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { addNoise, blockingPass, scaleWeights } from '../test-passes.js';
import { GateError } from './gates.js';
import { runPipeline } from './run-pipeline.js';
import { parsePipelineSource, runPipelineInMemory } from './run-in-memory.js';
import { MemoryStepStore } from './step-store.js';

const registry = createRegistry([scaleWeights, addNoise]);
const backend = getBackend('ort-web');
const MODEL = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
const files = {
  'mnist.onnx': new Uint8Array(readFileSync(MODEL)),
  'images.gz': new Uint8Array(readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz'))),
  'labels.gz': new Uint8Array(readFileSync(sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz'))),
};
const yaml = (extra = '') => `
input: mnist.onnx
seed: 3
data:
  evaluation: { type: mnist-idx, images: images.gz, labels: labels.gz, count: 100, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }
passes:
  - { type: add-noise, options: { amount: 0.001 } }
outputs: [out/model.onnx]
${extra}`;

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-run-memory-');
});
afterEach(() => dir.cleanup());

describe('runPipelineInMemory', () => {
  it('gives the bytes and metrics runPipeline gives for the same pipeline and seed', async () => {
    const mem = await runPipelineInMemory(yaml(), { registry, files, backend });
    const config = {
      ...parsePipelineSource(yaml()),
      input: MODEL,
      roots: [sharedDir()],
      data: {
        evaluation: {
          type: 'mnist-idx',
          images: sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz'),
          labels: sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz'),
          count: 100,
          preprocess: { scale: 255, shape: [1, 1, 28, 28] },
        },
      },
    };
    const node = await runPipeline(config, { registry, backend, cacheDir: false, baseDir: dir.path });
    const written = new Uint8Array(readFileSync(join(dir.path, 'out', 'model.onnx')));
    expect(mem.outputs.map((o) => o.path)).toEqual(['out/model.onnx']);
    expect(Buffer.from(mem.outputs[0]!.bytes).equals(Buffer.from(written))).toBe(true);
    expect(mem.report.metrics.after!.accuracy).toBe(node.report.metrics.after!.accuracy);
    expect(mem.report.metrics.before!.accuracy).toBeGreaterThan(0.95);
    expect(mem.report.environment.runtime).toBe('ort-web');
    expect(mem.reportFiles.map((f) => f.path)).toEqual(['report/report.json', 'report/report.html']);
    expect(JSON.parse(new TextDecoder().decode(mem.reportFiles[0]!.bytes)).steps[0].pass).toBe('add-noise');
  });

  it('resumes from its step store with the same bytes', async () => {
    const store = new MemoryStepStore();
    const first = await runPipelineInMemory(yaml(), { registry, files, backend, store });
    expect(store.size).toBe(1);
    const second = await runPipelineInMemory(yaml(), { registry, files, backend, store });
    expect(second.report.steps[0]!.cached).toBe(true);
    expect(Buffer.from(second.outputs[0]!.bytes).equals(Buffer.from(first.outputs[0]!.bytes))).toBe(true);
    const other = await runPipelineInMemory(yaml(), { registry, files, backend, store, set: ['seed=4'] });
    expect(other.report.steps[0]!.cached).toBe(false);
  });

  it('refuses plugins, training passes, Node-only data and other output formats by field', async () => {
    const refused = async (text: string, field: string) => {
      const e = await runPipelineInMemory(text, { registry, files, backend }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UnsupportedError);
      expect(e).toMatchObject({ code: 'pipeline/not-in-browser', field });
    };
    await refused(yaml('plugins: [enxuto-plugin-example]'), 'plugins');
    await refused(yaml().replace('[out/model.onnx]', '[out/model.tflite]'), 'outputs.0');
    await refused(
      yaml().replace(
        /evaluation: \{[^\n]*/,
        'evaluation: { type: mnist, split: train, count: 10, preprocess: { scale: 255, shape: [1, 1, 28, 28] } }',
      ),
      'data.evaluation.type',
    );
    const training = createRegistry([addNoise, { ...scaleWeights, name: 'train-me', needs: ['training' as const] }]);
    const e = await runPipelineInMemory(yaml().replace('add-noise', 'train-me').replace('amount: 0.001', 'factor: 1'), {
      registry: training,
      files,
      backend,
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'pipeline/not-in-browser', field: 'passes.0' });
  });

  it('names a file the pipeline needs but was not given', async () => {
    const { 'labels.gz': _, ...partial } = files;
    const e = await runPipelineInMemory(yaml(), { registry, files: partial, backend }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toMatchObject({ code: 'data/file-missing', field: 'data.evaluation.labels' });
    const noInput = await runPipelineInMemory(yaml(), { registry, files: {}, backend }).catch((x: unknown) => x);
    expect(noInput).toMatchObject({ code: 'config/missing-input', field: 'input' });
  });

  it('stops on its signal with an AbortedError and returns nothing', async () => {
    const controller = new AbortController();
    const blocking = createRegistry([blockingPass(() => controller.abort())]);
    const text = yaml().replace('{ type: add-noise, options: { amount: 0.001 } }', 'wait-forever');
    const e = await runPipelineInMemory(text, { registry: blocking, files, backend, signal: controller.signal }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AbortedError);
  });

  it('fails a gate with GateError and writes no model', async () => {
    const text = yaml('gates: [{ metric: agreement, min: 0.999 }]').replace(
      '{ type: add-noise, options: { amount: 0.001 } }',
      '{ type: scale-weights, options: { factor: 0 } }',
    );
    const e = await runPipelineInMemory(text, { registry, files, backend }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateError);
    expect((e as GateError).report.status).toBe('gate-failed');
    expect((e as GateError).report.outputs).toEqual([]);
  });
});
