// store-sparse: marks pruned float32 initializers to be written as ONNX sparse initializers
// where that is smaller; the model computes the same values.
import { definePass } from '@enxuto/pass';
import { z } from 'zod';
import { toSparseIfSmaller } from '../kernels/sparse.js';

export const storeSparseOptions = z.strictObject({
  minElements: z.number().int().min(1).default(64).describe('leave tensors with fewer elements dense'),
});

export const storeSparse = definePass({
  name: 'store-sparse',
  summary: 'Store pruned weights as sparse initializers where that is smaller (ONNX sparse_initializer)',
  options: storeSparseOptions,
  inPlace: true,
  async run(model, o) {
    const g = model.graph;
    const tensors: { name: string; denseBytes: number; storedBytes: number }[] = [];
    for (const v of g.initializers()) {
      const t = v.const!;
      if (t.size < o.minElements || v.isGraphInput()) continue;
      const s = toSparseIfSmaller(t);
      if (!s) continue;
      g.setConst(v, s);
      tensors.push({ name: v.name, denseBytes: t.size * 4, storedBytes: s.nonZero.size * 12 });
    }
    const dense = tensors.reduce((a, t) => a + t.denseBytes, 0);
    const stored = tensors.reduce((a, t) => a + t.storedBytes, 0);
    return { model, changed: tensors.length > 0, stats: { tensors, denseBytes: dense, storedBytes: stored } };
  },
});
