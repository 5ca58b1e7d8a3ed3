// The passes through the pipeline API (definePass + PassContext), on mnist-8.
import { describe, expect, it } from 'vitest';
import { checkModel, opHistogram } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import type { Dataset, PassContext } from '@enxuto/pipeline';
import {
  quantizePasses,
  quantizeStaticPass,
  quantizeAutoPass,
  biasCorrectionPass,
  convertFloat16Pass,
  equalizeCrossLayerPass,
} from '../src/index.js';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel } from '../src/calibrate/evaluate.js';
import { calibrationDigits, mnistModel, testDigits } from './mnist-fixtures.js';

function context(
  data: { calibration?: Dataset; evaluation?: Dataset },
  progress: [number, number][] = [],
): PassContext {
  const ac = new AbortController();
  return {
    passName: 'test',
    step: 0,
    seed: 1,
    logger: { debug() {}, info() {}, warn() {} },
    progress: { update: (d, t) => progress.push([d, t]) },
    signal: ac.signal,
    throwIfAborted: () => undefined,
    rng: undefined as never,
    data,
    dataset: (role) => {
      const d = data[role as 'calibration'];
      if (!d) throw new Error(`missing ${role}`);
      return d;
    },
    runtime: getBackend('ort-node') as never,
    cacheDir: undefined,
  };
}

describe('pass definitions', () => {
  it('names, summaries and option defaults', () => {
    expect(quantizePasses.map((p) => p.name)).toEqual([
      'quantize-static',
      'quantize-dynamic',
      'quantize-weights',
      'quantize-gptq',
      'quantize-awq',
      'convert-float16',
      'equalize-cross-layer',
      'bias-correction',
      'quantize-auto',
    ]);
    const o = quantizeStaticPass.options.parse({});
    expect(o).toMatchObject({
      format: 'qdq',
      perChannel: true,
      calibration: 'minmax',
      calibrationSamples: 256,
      activationType: 'uint8',
    });
    expect(() => quantizeStaticPass.options.parse({ perChanel: true })).toThrow();
    expect(() => quantizeStaticPass.options.parse({ calibration: 'kl' })).toThrow();
    // every option is documented
    for (const p of quantizePasses) {
      for (const [k, f] of Object.entries(
        (p.options as unknown as { shape: Record<string, { description?: string }> }).shape,
      )) {
        expect(f.description, `${p.name}.${k}`).toBeTruthy();
      }
    }
  });
});

describe('passes on mnist-8', () => {
  const model = mnistModel();
  const evalOn = async (m: typeof model) =>
    (await evaluateModel(writeOnnxBytes(m), getBackend('ort-node'), datasetBatches(model, testDigits(1000)))).accuracy;

  it('quantize-static reports layers and progress', async () => {
    const progress: [number, number][] = [];
    const ctx = context({ calibration: calibrationDigits(64) }, progress);
    const r = await quantizeStaticPass.run(model, quantizeStaticPass.options.parse({ calibrationSamples: 64 }), ctx);
    checkModel(r.model);
    expect(r.changed).toBe(true);
    expect((r.stats.layers as { name: string; precision: string }[]).map((l) => l.name)).toEqual([
      'Convolution110',
      'Times212',
    ]);
    expect(progress.at(-1)).toEqual([64, 64]);
    expect(progress.length).toBe(64); // one update per batch of 1 (the model's batch dim is fixed at 1)
    expect(await evalOn(r.model)).toBeGreaterThan(0.98);
  });

  it('equalize-cross-layer and bias-correction keep the float function', async () => {
    const base = await evalOn(model);
    const e = await equalizeCrossLayerPass.run(model, equalizeCrossLayerPass.options.parse({}), context({}));
    expect((e.stats.pairs as unknown[]).length).toBe(2);
    expect(await evalOn(e.model)).toBe(base);
    const b = await biasCorrectionPass.run(
      model,
      biasCorrectionOptionsOf(),
      context({ calibration: calibrationDigits(32) }),
    );
    expect((b.stats.layers as unknown[]).length).toBe(3);
    expect(Math.abs((await evalOn(b.model)) - base)).toBeLessThanOrEqual(0.002);
  });

  it('convert-float16 halves the weights and keeps the accuracy', async () => {
    const r = await convertFloat16Pass.run(model, convertFloat16Pass.options.parse({}), context({}));
    checkModel(r.model);
    expect(r.model.graph.initializers().filter((v) => v.const!.dtype === 'float32' && v.const!.size > 8)).toEqual([]);
    expect(opHistogram(r.model).Cast).toBe(2);
    expect(r.model.graph.inputs[0]!.dtype).toBe('float32');
    expect(Math.abs((await evalOn(r.model)) - (await evalOn(model)))).toBeLessThanOrEqual(0.002);
  });

  it('quantize-auto reports each layer sensitivity and precision', async () => {
    const ctx = context({ calibration: calibrationDigits(32), evaluation: testDigits(500) });
    const r = await quantizeAutoPass.run(
      model,
      quantizeAutoPass.options.parse({ calibrationSamples: 32, evaluationSamples: 500, minInputChannels: 0 }),
      ctx,
    );
    const layers = r.stats.layers as { name: string; sensitivity: number; precision: string }[];
    expect(layers.map((l) => l.name)).toEqual(['Convolution28', 'Convolution110', 'Times212']);
    for (const l of layers) expect(l.sensitivity).toBeGreaterThan(0);
    expect(layers.every((l) => l.precision === 'int8')).toBe(true);
    expect((r.stats.floatAccuracy as number) - (r.stats.accuracy as number)).toBeLessThanOrEqual(0.005);
  });

  it('quantize-auto takes the ranking from a sensitivity file: nothing measured, a layer costing more than the gate starts in float', async () => {
    const progress: [number, number][] = [];
    const ctx = context({ calibration: calibrationDigits(32), evaluation: testDigits(500) }, progress);
    const layer = (node: string, drop: number | null) => ({
      node,
      output: `${node}_Output_0`,
      weight: `${node}.w`,
      opType: 'Conv',
      parameters: 1,
      results: [{ precision: 'int8' as const, value: drop === null ? null : 0.99 - drop, drop, trial: node }],
    });
    const file = {
      schemaVersion: 1 as const,
      method: 'quantize' as const,
      metric: 'accuracy' as const,
      model: { path: 'mnist.onnx', sha256: '0' },
      baseline: 0.99,
      options: {},
      layers: [layer('Convolution28', 0.02), layer('Convolution110', 0.001), layer('Times212', 0.0005)],
    };
    const options = { calibrationSamples: 32, evaluationSamples: 500, minInputChannels: 0 };
    const r = await quantizeAutoPass.run(model, quantizeAutoPass.options.parse({ ...options, sensitivity: file }), ctx);
    expect(progress).toEqual([]);
    expect(r.stats.sensitivitySource).toBe('file');
    const layers = r.stats.layers as { name: string; sensitivity: number; precision: string }[];
    expect(layers.map((l) => [l.name, l.sensitivity, l.precision])).toEqual([
      ['Convolution28', 0.02, 'float32'],
      ['Convolution110', 0.001, 'int8'],
      ['Times212', 0.0005, 'int8'],
    ]);
    const missing = { ...file, layers: file.layers.slice(0, 2) };
    await expect(
      quantizeAutoPass.run(model, quantizeAutoPass.options.parse({ ...options, sensitivity: missing }), ctx),
    ).rejects.toMatchObject({ code: 'sensitivity/layer-missing', node: 'Times212' });
    await expect(
      quantizeAutoPass.run(
        model,
        quantizeAutoPass.options.parse({ ...options, sensitivity: { ...file, method: 'prune' } }),
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'sensitivity/wrong-method' });
  });

  it('quantize-auto puts the most sensitive layers back in float when the gate is impossible to meet', async () => {
    const ctx = context({ calibration: calibrationDigits(16) });
    // no labelled evaluation data: the gate is the relative output error; 0 can only be met in float
    const r = await quantizeAutoPass.run(
      model,
      quantizeAutoPass.options.parse({ calibrationSamples: 16, maxOutputError: 0, minInputChannels: 0 }),
      ctx,
    );
    const layers = r.stats.layers as { precision: string }[];
    expect(layers.every((l) => l.precision === 'float32')).toBe(true);
    expect(r.changed).toBe(false);
    expect(r.stats.relativeOutputError).toBe(0);
  });
});

function biasCorrectionOptionsOf() {
  return biasCorrectionPass.options.parse({ calibrationSamples: 32 });
}
