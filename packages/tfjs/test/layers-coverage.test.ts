// The Keras layer table, checked against TF.js's own layers serializer: models built with tf.layers
// are saved (model.save through an IOHandler), read into the IR and run in onnxruntime; outputs must
// match tf.LayersModel.predict.
import { describe, expect, it } from 'vitest';
import { readTfjs } from '../src/index.js';
import { maxScaledDiff, ortSession, runOrt, seededInput } from './helpers/ort.js';
import { tf, tfReady } from '@enxuto/test-support/tfjs';

async function saved(model: tf.LayersModel): Promise<{ json: object; bytes: Uint8Array }> {
  let out: { json: object; bytes: Uint8Array } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      out = {
        json: {
          format: 'layers-model',
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
        },
        bytes: new Uint8Array(a.weightData as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out!;
}

/** Rewrites a Keras 2 functional topology in the Keras 3 form (call objects, flat single refs). */
function toKeras3(json: any): void {
  const cfg = json.modelTopology.config ?? json.modelTopology.model_config.config;
  for (const layer of cfg.layers) {
    layer.inbound_nodes = layer.inbound_nodes.map((call: any[]) => ({
      args: [call.length === 1 ? history(call[0]) : call.map(history)],
      kwargs: {},
    }));
  }
  if (cfg.output_layers.length === 1) cfg.output_layers = cfg.output_layers[0];
}

function history(ref: any[]): object {
  return {
    class_name: '__keras_tensor__',
    config: { shape: [null], dtype: 'float32', keras_history: ref.slice(0, 3) },
  };
}

async function compare(model: tf.LayersModel, shape: number[], keras3 = false): Promise<number> {
  // Non-trivial batch-norm statistics and biases (fresh layers start at 0/1).
  model.weights.forEach((w, i) => {
    const v = w.read();
    w.write(tf.add(v, tf.randomUniform(v.shape, 0.1, 0.5, 'float32', i)));
  });
  const x = seededInput(
    shape.reduce((p, d) => p * d, 1),
    21,
    2,
  ).map((v) => v - 1);
  const want = (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array;
  const { json, bytes } = await saved(model);
  if (keras3) toKeras3(json);
  const ir = readTfjs(json, bytes);
  return maxScaledDiff(want, await runOrt(await ortSession(ir), ir.graph.inputs[0]!.name, x, shape));
}

describe('Keras layers saved by TF.js read into an IR that onnxruntime runs identically', () => {
  it('Sequential: Conv2D, BatchNormalization, DepthwiseConv2D, pools, ZeroPadding2D, Flatten, Dropout, Dense', async () => {
    await tfReady();
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 3],
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
        }),
        tf.layers.batchNormalization(),
        tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.zeroPadding2d({
          padding: [
            [1, 0],
            [0, 1],
          ],
        }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 5, activation: 'softmax' }),
      ],
    });
    expect(await compare(m, [2, 12, 12, 3])).toBeLessThan(1e-4);
  });

  it('Functional: Dense, ReLU, LeakyReLU, Add, Multiply, Concatenate, Activation, Softmax, Reshape, GlobalAveragePooling2D', async () => {
    await tfReady();
    const input = tf.input({ shape: [16] });
    const d = tf.layers.dense({ units: 16, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const r = tf.layers.reLU({ maxValue: 0.5 }).apply(d) as tf.SymbolicTensor;
    const l = tf.layers.leakyReLU({ alpha: 0.2 }).apply(d) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([r, l]) as tf.SymbolicTensor;
    const prod = tf.layers.multiply().apply([sum, d]) as tf.SymbolicTensor;
    const img = tf.layers.reshape({ targetShape: [2, 2, 4] }).apply(prod) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'sigmoid' }).apply(img) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([gap, sum]) as tf.SymbolicTensor;
    const act = tf.layers.activation({ activation: 'elu' }).apply(cat) as tf.SymbolicTensor;
    const out = tf.layers.softmax().apply(act) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    expect(await compare(m, [3, 16])).toBeLessThan(1e-4);
    // The same topology written the Keras 3 way (call objects with keras_history).
    expect(await compare(m, [3, 16], true)).toBeLessThan(1e-4);
  });
});
