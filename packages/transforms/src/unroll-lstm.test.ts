import { attr, checkModel, float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { lstmGateWeights } from './kernels/lstm-weights.js';
import { unrollLstm } from './unroll-lstm.js';

const T = 5;
const B = 2;
const I = 3;
const H = 4;

const wave = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + k) * 0.5);

/** x[T, B, I] -> LSTM(hidden H) -> Y[T, 1, B, H], Y_h, Y_c, with given (or no) initial states. */
function lstmModel(states: boolean, opset = 13): Model {
  const g = new Graph('lstm');
  const x = g.addInput('x', tensorType('float32', [T, B, I]));
  const inputs = [
    x,
    g.addInitializer('W', float32Tensor([1, 4 * H, I], wave(4 * H * I, 1))),
    g.addInitializer('R', float32Tensor([1, 4 * H, H], wave(4 * H * H, 2))),
    g.addInitializer('B', float32Tensor([1, 8 * H], wave(8 * H, 3))),
    null,
    states ? g.addInitializer('h0', float32Tensor([1, B, H], wave(B * H, 4))) : null,
    states ? g.addInitializer('c0', float32Tensor([1, B, H], wave(B * H, 5))) : null,
  ];
  const n = g.addNode({
    opType: 'LSTM',
    name: 'lstm',
    inputs,
    outputs: ['Y', 'Y_h', 'Y_c'],
    attributes: { hidden_size: attr.int(H) },
  });
  g.setOutputs([...n.outputs].filter((v) => v !== null));
  const m = new Model(g);
  m.opsetImports.set('', opset);
  m.irVersion = 8;
  return m;
}

async function run(m: Model, x: Float32Array): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(writeOnnxBytes(m));
  try {
    const out = await s.run({ x: new ort.Tensor('float32', x, [T, B, I]) });
    return ['Y', 'Y_h', 'Y_c'].map((k) => out[k]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

describe('lstmGateWeights', () => {
  it('transposes each gate block and sums the two biases', () => {
    // H = 1, I = 2: W rows are the gates i, o, f, c.
    const g = lstmGateWeights(
      Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      Float32Array.from([9, 10, 11, 12]),
      Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]),
      1,
      2,
    );
    expect(g.w.map((w) => Array.from(w))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(g.r.map((r) => Array.from(r))).toEqual([[9], [10], [11], [12]]);
    expect(g.b.map((b) => Array.from(b))).toEqual([[11], [22], [33], [44]]);
  });
});

describe('unrollLstm', () => {
  for (const [states, opset] of [
    [true, 13],
    [false, 13],
    [true, 11],
  ] as const) {
    it(`gives onnxruntime's LSTM outputs within 1e-5 (${states ? 'given' : 'zero'} initial states, opset ${opset})`, async () => {
      const x = wave(T * B * I, 6).map((v) => v * 3);
      const before = await run(lstmModel(states, opset), x);
      const m = lstmModel(states, opset);
      expect(unrollLstm(m)).toEqual({ unrolled: 1, refused: [] });
      checkModel(m);
      const ops = [...m.graph].map((n) => n.opType);
      expect(ops).not.toContain('LSTM');
      expect(ops.filter((o) => o === 'Tanh').length).toBe(2 * T);
      const after = await run(m, x);
      for (let k = 0; k < 3; k++) {
        expect(after[k]!.length).toBe(before[k]!.length);
        for (let i = 0; i < before[k]!.length; i++)
          expect(Math.abs(after[k]![i]! - before[k]![i]!)).toBeLessThanOrEqual(1e-5);
      }
      expect(m.graph.outputs.map((v) => v.name)).toEqual(['Y', 'Y_h', 'Y_c']);
    });
  }

  it('leaves a reverse LSTM and says why', () => {
    const m = lstmModel(false);
    [...m.graph][0]!.setAttr('direction', attr.string('reverse'));
    expect(unrollLstm(m)).toEqual({ unrolled: 0, refused: [{ node: 'lstm', reason: 'only forward LSTMs unroll' }] });
    expect([...m.graph].map((n) => n.opType)).toEqual(['LSTM']);
  });
});
