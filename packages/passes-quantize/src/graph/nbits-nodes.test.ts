// The n-bit rewrites checked in onnxruntime: MatMulNBits and GatherBlockQuantized must compute
// exactly what the float graph computes with the dequantized weights.
import { describe, expect, it } from 'vitest';
import { Model, checkModel, cloneModel, float32Tensor, opHistogram, type Tensor } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { dequantizeGroupwise, quantizeGroupwise } from '../kernels/nbits-grid.js';
import { randomTensor } from './test-models.js';
import { findWeightNodes, weightMatrix } from './weight-nodes.js';
import { quantizeWeightsOnly } from './weight-only.js';

/** ids -> Gather(table [50, 64]) -> Gemm(transB, W1 [96, 64], bias) -> MatMul(W2 [96, 40]). */
function tinyLm(): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  const g = m.graph;
  const ids = g.addInput('ids', { kind: 'tensor', dtype: 'int64', shape: [3] });
  const table = g.addInitializer('table', randomTensor([50, 64], 1));
  const w1 = g.addInitializer('w1', randomTensor([96, 64], 2, 0.2));
  const b1 = g.addInitializer('b1', randomTensor([96], 3, 0.1));
  const w2 = g.addInitializer('w2', randomTensor([96, 40], 4, 0.2));
  const e = g.addNode({ opType: 'Gather', name: 'embed', inputs: [table, ids], outputs: ['e'] });
  const h = g.addNode({
    opType: 'Gemm',
    name: 'fc',
    inputs: [e.output(), w1, b1],
    outputs: ['h'],
    attributes: { transB: { type: 'int', value: 1 } },
  });
  const y = g.addNode({ opType: 'MatMul', name: 'head', inputs: [h.output(), w2], outputs: ['y'] });
  y.output().type = { kind: 'tensor', dtype: 'float32', shape: [3, 40] };
  g.setOutputs([y.output()]);
  return m;
}

/** The float model with every weight replaced by its dequantized n-bit value. */
function dequantizedReference(m: Model, bits: number, symmetric: boolean, blockSize: number): Model {
  const ref = cloneModel(m);
  for (const wn of findWeightNodes(ref, { embeddings: true })) {
    const b = wn.kind === 'gather' ? (bits <= 4 ? 4 : 8) : bits;
    const spec = { bits: b, symmetric, groupSize: blockSize, minClip: 0.75 };
    const back = dequantizeGroupwise(quantizeGroupwise(weightMatrix(wn), wn.k, wn.n, spec), wn.k, wn.n, blockSize);
    let t: Tensor = float32Tensor([wn.k, wn.n], back);
    if (wn.transposed) {
      const tr = new Float32Array(back.length);
      for (let r = 0; r < wn.k; r++) for (let c = 0; c < wn.n; c++) tr[c * wn.k + r] = back[r * wn.n + c]!;
      t = float32Tensor([wn.n, wn.k], tr);
    }
    ref.graph.setConst(wn.weight, t);
  }
  return ref;
}

describe('n-bit weight rewrites in onnxruntime', () => {
  for (const [bits, symmetric] of [
    [4, false],
    [4, true],
    [3, true],
    [2, false],
  ] as const) {
    it(`${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'}: Gather, Gemm (transB, bias) and MatMul compute the dequantized float graph`, async () => {
      const m = tinyLm();
      const ref = dequantizedReference(m, bits, symmetric, 32);
      const q = cloneModel(m);
      const report = quantizeWeightsOnly(q, { bits, symmetric, blockSize: 32, minElements: 1 });
      checkModel(q);
      expect(report.layers.map((l) => [l.node, l.bits])).toEqual([
        ['embed', 4],
        ['fc', bits],
        ['head', bits],
      ]);
      expect(opHistogram(q)).toEqual({ 'com.microsoft.GatherBlockQuantized': 1, 'com.microsoft.MatMulNBits': 2 });
      const feeds = { ids: { dtype: 'int64' as const, shape: [3], data: BigInt64Array.of(0n, 7n, 49n) } };
      for (const backend of ['ort-node', 'ort-web']) {
        const be = getBackend(backend);
        const got = (await (await be.createSession(q)).run(feeds)).y!.data as Float32Array;
        const want = (await (await be.createSession(ref)).run(feeds)).y!.data as Float32Array;
        expect(got.length).toBe(120);
        for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
      }
    });
  }
});
