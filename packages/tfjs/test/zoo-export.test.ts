// The zoo's models written as TF.js graph models: each loads with tf.loadGraphModel and gives the
// outputs its IR gives in onnxruntime (the import tests tie those to the source runtimes), within
// 1e-4 of each output's largest magnitude. TF.js sources go round trip (handtrack's while loop
// becomes StatelessWhile); ONNX sources bring Resize, LayerNormalization, Where, Range, HardSwish.
import { readFileSync } from 'node:fs';
import type { Model } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { memoryHandler, tf, tfReady } from '@enxuto/test-support/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTfjs } from '../src/index.js';
import { readTfjsModel } from '../src/node.js';
import { maxRelativeToRange } from './helpers/ort.js';
import { ZOO_TFJS, type ZooInput } from './helpers/zoo.js';

beforeAll(tfReady);

interface Case {
  name: string;
  read: () => Model;
  input: () => ZooInput[];
  backend: 'wasm' | 'cpu';
}

const zooTfjs = (name: string): Case => {
  const z = ZOO_TFJS.find((m) => m.name === name)!;
  return { name, read: () => readTfjsModel(z.path), input: () => [z.input('coral-face-0.jpg')], backend: z.backend };
};
const onnx = (name: string, file: string, input: () => ZooInput[]): Case => ({
  name,
  read: () => readOnnx(readFileSync(sharedPath('models', 'zoo', name, file))),
  input,
  backend: 'wasm',
});

/** Seeded values in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const CASES: Case[] = [
  zooTfjs('movenet-lightning'),
  zooTfjs('handtrack'),
  onnx('tiny_gpt_bytes', 'tiny_gpt.onnx', () => [
    {
      name: 'input_ids',
      dtype: 'int32',
      shape: [1, 12],
      data: Int32Array.from('import os\nfr', (c) => c.charCodeAt(0)),
    },
  ]),
  onnx('mobilenet_v3_small', 'mobilenet_v3_small.onnx', () => [
    { name: 'input', dtype: 'float32', shape: [1, 3, 224, 224], data: noise(3 * 224 * 224, 7) },
  ]),
];

describe('zoo models -> TF.js graph model', () => {
  for (const c of CASES) {
    it(`${c.name}: TF.js runs the written model as onnxruntime runs the IR (${c.backend})`, {
      timeout: 240_000,
    }, async () => {
      const model = c.read();
      const inputs = c.input();
      const session = await ort.InferenceSession.create(writeOnnxBytes(model));
      const feeds = Object.fromEntries(
        inputs.map((x) => {
          const want = model.graph.inputs.find((v) => v.name === x.name)!.dtype;
          const data = want === 'int64' ? BigInt64Array.from(x.data, (v) => BigInt(v)) : x.data;
          return [x.name, new ort.Tensor(want === 'int64' ? 'int64' : x.dtype, data, x.shape)];
        }),
      );
      const want = await session.run(feeds);
      const { modelJson, shards } = writeTfjs(model);
      await tf.setBackend(c.backend);
      const m = await tf.loadGraphModel(memoryHandler(modelJson, shards));
      const names = model.graph.outputs.map((v) => v.name);
      const tfIn = Object.fromEntries(inputs.map((x) => [x.name, tf.tensor(x.data, x.shape, x.dtype)]));
      const r = await m.executeAsync(tfIn, names);
      const got = Array.isArray(r) ? r : [r];
      names.forEach((n, i) => {
        expect(got[i]!.shape, n).toEqual(want[n]!.dims);
        const w = Float32Array.from(want[n]!.data as ArrayLike<number | bigint>, Number);
        expect(maxRelativeToRange(w, got[i]!.dataSync(), 0), n).toBeLessThan(1e-4);
      });
      tf.dispose([...Object.values(tfIn), ...got]);
    });
  }
});
