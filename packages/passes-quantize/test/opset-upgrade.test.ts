// Raising the opset must not change what a model computes (checked in onnxruntime).
import { describe, expect, it } from 'vitest';
import { cloneModel, Model } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { upgradeOpset } from '../src/graph/prepare.js';

describe('upgradeOpset in onnxruntime', () => {
  it('a pre-13 Softmax over a rank-3 input gives the same output after the upgrade', async () => {
    const m = new Model();
    m.opsetImports.set('', 11);
    m.irVersion = 7;
    const g = m.graph;
    const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [2, 3, 4] });
    const n = g.addNode({ opType: 'Softmax', name: 'sm', inputs: [x], outputs: ['y'] });
    n.outputs[0]!.type = { kind: 'tensor', dtype: 'float32', shape: [2, 3, 4] };
    g.setOutputs([n.outputs[0]!]);
    const up = cloneModel(m);
    upgradeOpset(up);
    const data = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3);
    const run = async (model: Model) => {
      const s = await getBackend('ort-node').createSession(model);
      const out = await s.run({ x: { dtype: 'float32', shape: [2, 3, 4], data } });
      await s.release();
      return out.y!.data as Float32Array;
    };
    const a = await run(m);
    const b = await run(up);
    // old semantics: softmax over the 12 values of each batch item
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += a[i]!;
    expect(sum).toBeCloseTo(1, 5);
    for (let i = 0; i < 24; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });
});
