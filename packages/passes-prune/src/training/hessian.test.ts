import { float32Tensor, Model, tensorType } from '@enxuto/ir';
import { arrayBatches, initBackend } from '@enxuto/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { fisherDiagonal } from './hessian.js';

/** logits = x·W, W [2, 2]. */
function linear(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', ['N', 2]));
  const w = g.addInitializer('w', float32Tensor([2, 2], [0.5, -0.5, 0.25, 0]));
  g.addOutput(g.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['y'] }).output(0));
  return m;
}

describe('fisherDiagonal', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('empirical: averages squared per-sample gradients x_i·(p_j − y_j)', () => {
    const xs = Float32Array.from([1, 2, -1, 1]);
    const labels = Int32Array.from([0, 1]);
    const h = fisherDiagonal(linear(), ['w'], arrayBatches(xs, [2], labels), { samples: 2, microBatch: 1, seed: 0, labels: 'empirical' }).get('w')!;
    const expected = [0, 0, 0, 0];
    for (let s = 0; s < 2; s++) {
      const x = [xs[2 * s]!, xs[2 * s + 1]!];
      const z = [x[0]! * 0.5 + x[1]! * 0.25, x[0]! * -0.5];
      const e = z.map(Math.exp);
      const p = e.map((v) => v / (e[0]! + e[1]!));
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expected[i * 2 + j]! += (x[i]! * (p[j]! - (labels[s] === j ? 1 : 0))) ** 2 / 2;
    }
    [...h].forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
  });

  it('sampled: positive where inputs are non-zero, and reproducible from the seed', () => {
    const xs = Float32Array.from({ length: 64 }, (_, i) => ((i * 7) % 5) - 2);
    const data = arrayBatches(xs, [2]);
    const a = fisherDiagonal(linear(), ['w'], data, { samples: 32, microBatch: 1, seed: 3 }).get('w')!;
    const b = fisherDiagonal(linear(), ['w'], data, { samples: 32, microBatch: 1, seed: 3 }).get('w')!;
    expect([...a]).toEqual([...b]);
    expect([...a].every((v) => v > 0)).toBe(true);
  });
});
