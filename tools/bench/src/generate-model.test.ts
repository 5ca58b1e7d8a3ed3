import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countParameters, opHistogram } from '@enxuto/ir';
import { readOnnx } from '@enxuto/onnx';
import { tempDir } from '@enxuto/test-support';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { generateChainModel, layerValues } from './generate-model.js';

describe('the generated I/O benchmark model', () => {
  it('is a MatMul chain of the asked size that onnxruntime runs', async () => {
    const tmp = tempDir();
    try {
      const p = join(tmp.path, 'chain.onnx');
      const bytes = generateChainModel(p, 3, 8);
      expect(statSync(p).size).toBe(bytes);
      // 3 x 8 x 8 float32 weights, plus a little protobuf framing.
      expect(bytes).toBeGreaterThan(3 * 64 * 4);
      expect(bytes).toBeLessThan(3 * 64 * 4 + 1024);
      const m = await readOnnx(new Uint8Array(readFileSync(p)), { file: p });
      expect(opHistogram(m)).toEqual({ MatMul: 3 });
      expect(countParameters(m).total).toBe(3 * 64);
      const s = await ort.InferenceSession.create(p);
      const x = new Float32Array(8).fill(1);
      const out = await s.run({ x: new ort.Tensor('float32', x, [1, 8]) });
      const y = out[s.outputNames[0]!]!.data as Float32Array;
      // Reference: three vector-matrix products in plain JS.
      let v = Array.from(x);
      for (let l = 0; l < 3; l++) {
        const w = layerValues(l, 64);
        v = Array.from({ length: 8 }, (_, j) => v.reduce((acc, vi, i) => acc + vi * w[i * 8 + j]!, 0));
      }
      for (let j = 0; j < 8; j++) expect(Math.abs(y[j]! - v[j]!)).toBeLessThan(1e-6);
      await s.release();
    } finally {
      tmp.cleanup();
    }
  });
});
