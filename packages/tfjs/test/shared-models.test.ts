// The real TF.js and ONNX models in ../shared: read into the IR, checked by onnxruntime, written
// back as TF.js graph models and checked by TF.js itself (tf.loadGraphModel).
import { readFileSync } from 'node:fs';
import { checkModel, concatBytes, type Model, opHistogram } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import { join } from 'node:path';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { readTfjs, writeTfjs, type WeightQuantize } from '../src/index.js';
import { readTfjsModel, writeTfjsModel, type WriteTfjsModelOptions } from '../src/node.js';
import { folderHandler, loadGraph, loadLayers, memoryHandler, runGraph, tf } from '@enxuto/test-support/tfjs';
import { maxRelativeToRange, maxScaledDiff, ortSession, runOrt, seededInput } from './helpers/ort.js';

const GRAPH = sharedPath('models', 'tfjs-mnist-graph', 'model.json');
const LAYERS = sharedPath('models', 'tfjs-mnist-layers', 'model.json');
const MNIST8 = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
const BATCH = 4;

interface Case {
  name: string;
  read: () => Model;
  input: string;
  shape: number[];
  output: string;
  /** Pixel scale the model expects (the TF.js models were trained on [0,1], mnist-8 on 0..255). */
  scale: number;
}

const CASES: Case[] = [
  {
    name: 'tfjs-mnist-graph',
    read: () => readTfjsModel(GRAPH),
    input: 'MyInput',
    shape: [BATCH, 28, 28, 1],
    output: 'MySoftMax',
    scale: 1,
  },
  {
    name: 'tfjs-mnist-layers',
    read: () => readTfjsModel(LAYERS),
    input: 'reshape_input',
    shape: [BATCH, 28, 28],
    output: 'softmax',
    scale: 1,
  },
  {
    name: 'onnx-mnist-8',
    read: () => readOnnx(readFileSync(MNIST8)),
    input: 'Input3',
    shape: [1, 1, 28, 28],
    output: 'Plus214_Output_0',
    scale: 255,
  },
];

async function tfjsOutput(modelJson: object, shards: Uint8Array[], x: Float32Array, c: Case): Promise<Float32Array> {
  const m = await loadGraph(memoryHandler(modelJson, shards));
  return runGraph(m, x, c.shape, [c.output])[0]!;
}

/** Writes the model folder with writeTfjsModel and runs TF.js on the files it wrote. */
async function tfjsOutputFromFolder(
  model: Model,
  opts: WriteTfjsModelOptions,
  x: Float32Array,
  c: Case,
): Promise<Float32Array> {
  const dir = tempDir('enxuto-tfjs-out-');
  try {
    writeTfjsModel(model, join(dir.path, 'out'), opts);
    const m = await loadGraph(folderHandler(join(dir.path, 'out', 'model.json')));
    return runGraph(m, x, c.shape, [c.output])[0]!;
  } finally {
    dir.cleanup();
  }
}

describe('reading the shared TF.js models', () => {
  it('translates the graph model to ONNX ops, with only the layout borders left as transposes', () => {
    const m = readTfjsModel(GRAPH);
    checkModel(m);
    const h = opHistogram(m);
    expect(h).toMatchObject({ Conv: 2, MaxPool: 2, MatMul: 3, Relu: 4, Softmax: 1, Reshape: 1, Transpose: 2 });
    expect(m.graph.inputs.map((v) => [v.name, v.shape])).toEqual([['MyInput', [null, 28, 28, 1]]]);
    expect(m.graph.outputs.map((v) => v.name)).toEqual(['MySoftMax']);
    expect(m.graph.initializers().find((v) => v.name.startsWith('Variable/'))?.const?.shape).toEqual([6, 1, 5, 5]);
  });

  it('translates the layers model with its seven outputs', () => {
    const m = readTfjsModel(LAYERS);
    checkModel(m);
    expect(opHistogram(m)).toMatchObject({ Conv: 2, MaxPool: 2, MatMul: 3, Flatten: 1, Softmax: 1 });
    expect(m.graph.outputs.map((v) => v.name)).toEqual([
      'conv_1',
      'maxpool_1',
      'conv_2',
      'maxpool_2',
      'dense_1',
      'dense_2',
      'softmax',
    ]);
    expect(m.metadata.get('tfjs.format')).toBe('layers-model');
  });

  it('reads from memory (main entry) exactly what the folder reader reads', () => {
    const json = JSON.parse(readFileSync(GRAPH, 'utf8'));
    const bytes = new Uint8Array(readFileSync(sharedPath('models', 'tfjs-mnist-graph', 'group1-shard1of1')));
    const m = readTfjs(json, bytes, { file: 'model.json' });
    expect(opHistogram(m)).toEqual(opHistogram(readTfjsModel(GRAPH)));
  });

  it('the IR runs in onnxruntime with the outputs TF.js gives for the original models', async () => {
    const x = seededInput(BATCH * 784, 7);
    const g = await loadGraph(folderHandler(GRAPH));
    const want = runGraph(g, x, [BATCH, 28, 28, 1])[0]!;
    const got = await runOrt(await ortSession(readTfjsModel(GRAPH)), 'MyInput', x, [BATCH, 28, 28, 1], 'MySoftMax');
    expect(maxScaledDiff(want, got)).toBeLessThan(1e-5);

    const l = await loadLayers(folderHandler(LAYERS));
    const wantL = tf.tidy(
      () => (l.predict(tf.tensor(x, [BATCH, 28, 28])) as tf.Tensor[]).at(-1)!.dataSync() as Float32Array,
    );
    const gotL = await runOrt(await ortSession(readTfjsModel(LAYERS)), 'reshape_input', x, [BATCH, 28, 28], 'softmax');
    expect(maxScaledDiff(wantL, gotL)).toBeLessThan(1e-5);
  });
});

describe('written graph models run in tf.loadGraphModel like onnxruntime runs the IR', () => {
  for (const c of CASES) {
    it(`${c.name}: float32 weights within 1e-4`, async () => {
      const model = c.read();
      const x = seededInput(
        c.shape.reduce((p, d) => p * d, 1),
        11,
        c.scale,
      );
      const want = await runOrt(await ortSession(model), c.input, x, c.shape, c.output);
      const { modelJson } = writeTfjs(model);
      expect(modelJson.signature.inputs[c.input]?.name).toBe(`${c.input}:0`);
      expect(modelJson.signature.outputs[c.output]?.name).toBe(`${c.output}:0`);
      const got = await tfjsOutputFromFolder(model, {}, x, c);
      expect(maxScaledDiff(want, got)).toBeLessThan(1e-4);
    });
  }

  // Quantized weights change the model itself. Bound: max |y_tfjs - y_ort| / max(1, max |y_ort|)
  // (measured: float16 <= 5.3e-4, uint16 <= 7.5e-5, uint8 <= 0.045, the worst being mnist-8's logits).
  const BOUNDS: Record<WeightQuantize, number> = { float16: 2e-3, uint16: 5e-4, uint8: 0.1 };
  for (const q of ['float16', 'uint16', 'uint8'] as const) {
    for (const c of CASES) {
      it(`${c.name}: ${q} weights within ${BOUNDS[q]}`, async () => {
        const model = c.read();
        const x = seededInput(
          c.shape.reduce((p, d) => p * d, 1),
          13,
          c.scale,
        );
        const want = await runOrt(await ortSession(model), c.input, x, c.shape, c.output);
        const { modelJson, shards } = writeTfjs(model, { quantize: q });
        const quantized = modelJson.weightsManifest[0]!.weights.filter((w) => w.quantization?.dtype === q);
        expect(quantized.length).toBeGreaterThanOrEqual(5);
        const got = await tfjsOutputFromFolder(model, { quantize: q }, x, c);
        expect(maxRelativeToRange(want, got)).toBeLessThan(BOUNDS[q]);
        // Reading the quantized files back gives what TF.js computes from them.
        const again = readTfjs(modelJson, concatBytes(shards));
        const fromIr = await runOrt(await ortSession(again), c.input, x, c.shape, c.output);
        expect(maxScaledDiff(got, fromIr)).toBeLessThan(1e-4);
      });
    }
  }

  it('splits weights into shards of at most the requested size, and TF.js joins them', async () => {
    const c = CASES[0]!;
    const model = c.read();
    const { modelJson, shards } = writeTfjs(model, { shardBytes: 40_000 });
    expect(shards.length).toBe(5);
    expect(shards.every((s) => s.byteLength <= 40_000)).toBe(true);
    expect(modelJson.weightsManifest[0]!.paths).toEqual([1, 2, 3, 4, 5].map((i) => `group1-shard${i}of5.bin`));
    const x = seededInput(BATCH * 784, 3);
    const want = await runOrt(await ortSession(model), c.input, x, c.shape, c.output);
    expect(maxScaledDiff(want, await tfjsOutput(modelJson, shards, x, c))).toBeLessThan(1e-4);
    const { shards: one } = writeTfjs(model);
    expect(one.length).toBe(1);
    expect(one[0]!.byteLength).toBe(shards.reduce((s, b) => s + b.byteLength, 0));
  });

  it('is deterministic: the same model gives byte-identical files', () => {
    const a = writeTfjs(readTfjsModel(LAYERS), { quantize: 'uint8' });
    const b = writeTfjs(readTfjsModel(LAYERS), { quantize: 'uint8' });
    expect(JSON.stringify(a.modelJson)).toBe(JSON.stringify(b.modelJson));
    expect(Buffer.compare(Buffer.from(a.shards[0]!), Buffer.from(b.shards[0]!))).toBe(0);
  });

  it('ONNX -> TF.js -> IR -> ONNX keeps the outputs of mnist-8', async () => {
    const c = CASES[2]!;
    const model = c.read();
    const { modelJson, shards } = writeTfjs(model);
    const back = readTfjs(modelJson, concatBytes(shards));
    const x = seededInput(784, 5, 255);
    const want = await runOrt(await ortSession(model), c.input, x, c.shape, c.output);
    const got = await runOrt(await ortSession(back), c.input, x, c.shape, c.output);
    expect(maxScaledDiff(want, got)).toBeLessThan(1e-4);
    expect(writeOnnxBytes(back).byteLength).toBeGreaterThan(20_000);
  });
});
