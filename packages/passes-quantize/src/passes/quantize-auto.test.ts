import { describe, expect, it } from 'vitest';
import { calibrationDigits, mnistModel, mnistPassContext, testDigits } from '../../test/mnist-fixtures.js';
import { quantizeAutoPass } from './quantize-auto.js';

const model = mnistModel();

describe('quantize-auto on mnist-8', () => {
  it('quantize-auto reports each layer sensitivity and precision', async () => {
    const ctx = mnistPassContext({ calibration: calibrationDigits(32), evaluation: testDigits(500) });
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
    const ctx = mnistPassContext({ calibration: calibrationDigits(32), evaluation: testDigits(500) }, progress);
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
    const ctx = mnistPassContext({ calibration: calibrationDigits(16) });
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
