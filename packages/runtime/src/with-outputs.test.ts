import { float32Tensor, Model, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { ortNodeBackend } from './node-backend.js';
import { withOutputs } from '@enxuto/pass';

function reluNeg(): Model {
  const m = new Model();
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', [2]));
  const b = g.addInitializer('b', float32Tensor([2], [1, -1]));
  const sum = g.addNode({ opType: 'Add', inputs: [x, b], outputs: ['s'] }).output(0);
  sum.type = tensorType('float32', [2]);
  const r = g.addNode({ opType: 'Relu', inputs: [sum], outputs: ['r'] }).output(0);
  const y = g.addNode({ opType: 'Neg', inputs: [r], outputs: ['y'] }).output(0);
  y.type = tensorType('float32', [2]);
  g.setOutputs([y]);
  return m;
}

describe('withOutputs', () => {
  it('adds the named values after the existing outputs, keeping their types, on a copy', () => {
    const m = reluNeg();
    const w = withOutputs(m, ['s', 'r', 'y']);
    expect(w.graph.outputs.map((v) => v.name)).toEqual(['y', 's', 'r']);
    expect(w.graph.value('s')!.type).toEqual(tensorType('float32', [2]));
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['y']);
  });

  it('names an unknown value', () => {
    expect(() => withOutputs(reluNeg(), ['nope'])).toThrow(/no value named nope/);
  });

  it('lets a session fetch the intermediate values', async () => {
    const s = await ortNodeBackend.createSession(withOutputs(reluNeg(), ['s', 'r']));
    const out = await s.run({ x: { dtype: 'float32', shape: [2], data: Float32Array.from([-3, 2]) } });
    expect(Array.from(out.s!.data as Float32Array)).toEqual([-2, 1]);
    expect(Array.from(out.r!.data as Float32Array)).toEqual([0, 1]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([-0, -1]);
    await s.release();
  });
});
