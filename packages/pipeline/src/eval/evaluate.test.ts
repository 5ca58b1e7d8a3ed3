import { float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import type { InferenceBackend, Session } from '@enxuto/pass';
import { getBackend } from '@enxuto/runtime/node';
import { describe, expect, it } from 'vitest';
import { randomDataset } from '../data/random-dataset.js';
import { randomSpecSchema } from '../data/specs.js';
import { collectOutputs, evaluate } from './evaluate.js';

/** x[batch, 4] -> MatMul W[4, 3] -> y[batch, 3] */
function linear(batch: number | string, w: number[]): Model {
  const g = new Graph('linear');
  const x = g.addInput('x', tensorType('float32', [batch, 4]));
  const mm = g.addNode({
    opType: 'MatMul',
    inputs: [x, g.addInitializer('w', float32Tensor([4, 3], w))],
    outputs: ['y'],
  });
  mm.output(0).type = tensorType('float32', [batch, 3]);
  g.setOutputs([mm.output(0)]);
  const m = new Model(g);
  m.opsetImports.set('', 13);
  m.irVersion = 8;
  return m;
}

const W = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, -0.5, 0.25];
const data = randomDataset(
  randomSpecSchema.parse({ type: 'random', shape: [1, 4], count: 10, numClasses: 3, seed: 4 }),
  'data',
);

/** The ort-node backend, recording the batch size of every run. */
function recording(): { backend: InferenceBackend; batches: number[] } {
  const batches: number[] = [];
  const inner = getBackend('ort-node');
  const backend: InferenceBackend = {
    name: inner.name,
    async createSession(model, opts) {
      const s = await inner.createSession(model, opts);
      const wrapped: Session = {
        inputs: s.inputs,
        outputs: s.outputs,
        run: (feeds, fetches) => {
          batches.push(Object.values(feeds)[0]!.shape[0]!);
          return s.run(feeds, fetches);
        },
        release: () => s.release(),
      };
      return wrapped;
    },
  };
  return { backend, batches };
}

describe('evaluate', () => {
  it('batches a model with a batch dim of 1 and gives the same outputs as batch 1', async () => {
    const a = recording();
    const batched = await collectOutputs(linear(1, W), data, { backend: a.backend, batchSize: 4 });
    expect(a.batches.filter((b) => b > 1).length).toBeGreaterThan(0);
    const b = recording();
    const single = await collectOutputs(linear(1, W), data, { backend: b.backend, batchSize: 1 });
    expect(b.batches.every((n) => n === 1)).toBe(true);
    expect(Array.from(batched.outputs)).toEqual(Array.from(single.outputs));
    expect(batched.classes).toBe(3);
  });

  it('computes accuracy from labels and agreement with a reference', async () => {
    const { backend } = recording();
    const m = await evaluate(linear('batch', W), data, {
      backend,
      reference: linear('batch', W),
      latencyRuns: 0,
      batchSize: 8,
    });
    // Expected accuracy from the outputs by hand.
    let hits = 0;
    for (let i = 0; i < data.size; i++) {
      const s = data.sample(i);
      const y = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((acc, k) => acc + s.input[k]! * W[k * 3 + c]!, 0));
      if (y.indexOf(Math.max(...y)) === s.label) hits++;
    }
    expect(m.samples).toBe(10);
    expect(m.accuracy).toBeCloseTo(hits / 10, 10);
    expect(m.agreement).toBe(1);
    expect(m.maxAbsError).toBe(0);
    expect(m.sizeRatio).toBe(1);
    expect(m.parameters).toBe(12);
    expect(m.nonZero).toBe(6);
    expect(m.latencyP50Ms).toBeUndefined();
  });
});
