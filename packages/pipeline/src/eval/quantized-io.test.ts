import { Graph, Model, tensorType } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { getBackend } from '@enxuto/runtime/node';
import { tfliteFixturePath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { randomDataset } from '../data/random-dataset.js';
import { randomSpecSchema } from '../data/specs.js';
import { evaluate } from './evaluate.js';
import { feedMaker, outputReader } from './quantized-io.js';

function quantizedIdentity(): Model {
  const g = new Graph('q');
  const x = g.addInput('x', tensorType('uint8', [1, 5]));
  x.quant = { dtype: 'uint8', scale: Float32Array.of(0.5), zeroPoint: Int32Array.of(10) };
  const n = g.addNode({ opType: 'Identity', inputs: [x], outputs: ['y'] });
  const y = n.output(0);
  y.type = tensorType('uint8', [1, 5]);
  y.quant = x.quant;
  g.setOutputs([y]);
  return new Model(g);
}

describe('quantized model inputs and outputs in evaluation', () => {
  it('quantizes float samples with the input parameters (half to even, saturating) and dequantizes outputs', () => {
    const m = quantizedIdentity();
    const feed = feedMaker(m, 'x')(Float32Array.of(-10, 0.25, 0.75, 1.25, 200), [1, 5]);
    expect(feed.dtype).toBe('uint8');
    expect(Array.from(feed.data as Uint8Array)).toEqual([0, 10, 12, 12, 255]);
    const real = outputReader(m, 'y')({ dtype: 'uint8', shape: [1, 2], data: Uint8Array.of(10, 14) });
    expect(Array.from(real)).toEqual([0, 2]);
  });

  it('evaluates a uint8 TFLite model on float data, agreeing with its float-input twin', async () => {
    const uint8 = (await readModel(tfliteFixturePath('uint8-io'))).model;
    const floatIo = (await readModel(tfliteFixturePath('int8-float-io'))).model;
    const data = randomDataset(
      randomSpecSchema.parse({ type: 'random', shape: [1, 16, 16, 3], count: 16, numClasses: 5, seed: 3 }),
      'data',
    );
    const m = await evaluate(uint8, data, { backend: getBackend('ort-node'), reference: floatIo, latencyRuns: 0 });
    expect(m.samples).toBe(16);
    // Same int8 kernels behind both: the outputs differ by at most the uint8 output's rounding.
    expect(m.cosine).toBeGreaterThan(0.999);
    expect(m.maxAbsError).toBeLessThanOrEqual(1 / 256 + 1e-6);
  });
});
