// MatMulBnb4 checked in onnxruntime against the float graph with the NF4-rounded weights.
import { describe, expect, it } from 'vitest';
import { cloneModel, float32Tensor, opHistogram } from '@enxuto/ir';
import { getBackend } from '@enxuto/runtime/node';
import { NF4, packBnb4 } from '../kernels/bnb4.js';
import { quantizeBnb4 } from './bnb4-nodes.js';
import { randomMlp } from './test-models.js';
import { findWeightNodes, weightMatrix } from './weight-nodes.js';

describe('quantizeBnb4', () => {
  it('Gemm weights as NF4 MatMulBnb4 compute the float graph with the rounded weights', async () => {
    const m = randomMlp(64, 1, 2);
    const ref = cloneModel(m);
    for (const wn of findWeightNodes(ref)) {
      const p = packBnb4(weightMatrix(wn), wn.k, wn.n, 64, 1);
      // Back to the stored layout: element e of the flattened [N, K] transpose.
      const back = new Float32Array(wn.k * wn.n);
      for (let e = 0; e < back.length; e++) {
        const code = e % 2 === 0 ? p.packed[e >> 1]! >> 4 : p.packed[e >> 1]! & 15;
        const v = NF4[code]! * p.absmax[(e / 64) | 0]!;
        const [row, col] = [e % wn.k, (e / wn.k) | 0];
        if (wn.transposed) back[col * wn.k + row] = v;
        else back[row * wn.n + col] = v;
      }
      ref.graph.setConst(wn.weight, float32Tensor([...wn.weight.const!.shape], back));
    }
    const q = cloneModel(m);
    expect(quantizeBnb4(q, { blockSize: 64 })).toHaveLength(2);
    expect(opHistogram(q)['com.microsoft.MatMulBnb4']).toBe(2);
    const x = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i));
    const feeds = { x: { dtype: 'float32' as const, shape: [2, 64], data: x } };
    for (const backend of ['ort-node', 'ort-web']) {
      const be = getBackend(backend);
      const got = Object.values(await (await be.createSession(q)).run(feeds))[0]!.data as Float32Array;
      const want = Object.values(await (await be.createSession(ref)).run(feeds))[0]!.data as Float32Array;
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    }
  });
});
