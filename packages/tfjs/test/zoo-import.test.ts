// The zoo's TF.js graph models (TF2 exports with Unpack, GatherNd, SparseToDense, resizes, and a
// TF1 while loop with TensorLists and non-max suppression in handtrack) read into the IR and run in
// onnxruntime give TF.js's own outputs on a real photo, within 1e-4 of each output's largest value.
import { checkModel } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { folderHandler, tf, tfReady } from '@enxuto/test-support/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfjsModel } from '../src/node.js';
import { maxRelativeToRange } from './helpers/ort.js';
import { ZOO_TFJS } from './helpers/zoo.js';

// TF.js's wasm backend as the reference (its cpu backend takes minutes on these models).
beforeAll(tfReady);

describe('zoo TF.js models -> IR -> onnxruntime', () => {
  for (const z of ZOO_TFJS) {
    it(`${z.name}: every output within 1e-4 of TF.js (${z.backend})`, { timeout: 240_000 }, async () => {
      const model = readTfjsModel(z.path);
      checkModel(model);
      const x = z.input('coral-face-0.jpg');
      await tf.setBackend(z.backend);
      const ref = await tf.loadGraphModel(folderHandler(z.path));
      const names = ref.outputs.map((o) => o.name);
      const feed = tf.tensor(x.data, x.shape, x.dtype);
      const r = await ref.executeAsync({ [x.name]: feed }, names);
      const want = Array.isArray(r) ? r : [r];
      const session = await ort.InferenceSession.create(writeOnnxBytes(model));
      const got = await session.run({ [x.name]: new ort.Tensor(x.dtype, x.data, x.shape) });
      expect(model.graph.outputs.map((v) => v.name).sort()).toEqual(names.map((n) => n.replace(/:0$/, '')).sort());
      names.forEach((n, i) => {
        const g = got[n.replace(/:0$/, '')]!;
        expect(g.dims).toEqual(want[i]!.shape);
        expect(maxRelativeToRange(want[i]!.dataSync(), g.data as Float32Array, 0), n).toBeLessThan(1e-4);
      });
      tf.dispose([feed, ...want]);
    });
  }
});
