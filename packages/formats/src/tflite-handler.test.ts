import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { float32Tensor } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { runTflite } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io.js';

const tmp = tempDir('enxuto-tflite-handler-');
afterAll(() => tmp.cleanup());

const digit = () => new Float32Array(784).map((_, i) => ((i * 53) % 256) * (i % 28 > 6 && i % 28 < 22 ? 1 : 0));

describe('TFLite through the format table', () => {
  it('exports mnist-8 to .tflite with the outputs of onnxruntime, in the real interpreter', async () => {
    const src = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
    const { model } = await readModel(src);
    const out = join(tmp.path, 'mnist.tflite');
    const w = await writeModel(model, out, { inputs: [src] });
    expect(w.format).toBe('tflite');
    expect(String.fromCharCode(...readFileSync(out).subarray(4, 8))).toBe('TFL3');

    const x = digit();
    const session = await ort.InferenceSession.create(writeOnnxBytes(model));
    const ref = (await session.run({ Input3: new ort.Tensor('float32', x, [1, 1, 28, 28]) }))['Plus214_Output_0']!
      .data as Float32Array;
    const [y] = runTflite(readFileSync(out), [{ data: x }]);
    const got = y!.data as Float32Array;
    const scale = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < 10; i++) expect(Math.abs(got[i]! - ref[i]!) / scale).toBeLessThan(1e-5);
  });

  it('reads a .tflite file as ONNX-domain IR that onnxruntime runs', async () => {
    const tflitePath = join(tmp.path, 'back.tflite');
    const { model } = await readModel(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    await writeModel(model, tflitePath);
    const back = await readModel(tflitePath);
    expect(back.format).toBe('tflite');
    expect(back.model.graph.nodes.every((n) => n.domain === '' || n.domain === 'ai.onnx')).toBe(true);
    const session = await ort.InferenceSession.create(writeOnnxBytes(back.model));
    const name = session.inputNames[0]!;
    const res = await session.run({ [name]: new ort.Tensor('float32', digit(), [1, 1, 28, 28]) });
    expect((res[session.outputNames[0]!]!.data as Float32Array).length).toBe(10);
  });

  it('an LSTM read from .tflite and written back (unrolled) stores each shared weight once, same outputs', async () => {
    const src = sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite');
    const { model } = await readModel(src);
    const out = join(tmp.path, 'lstm.tflite');
    await writeModel(model, out, { inputs: [src] });
    const size = statSync(out).size;
    // 28 unrolled steps read the same weights: 605 KB when every use had its own buffer; now
    // 125 KB, of which ~45 KB constants (each once) and the rest the ~780 unrolled ops' tables.
    expect(statSync(src).size).toBe(41240);
    expect(size).toBeLessThan(140_000);
    const x = new Float32Array(28 * 28).map((_, i) => ((i * 37) % 255) / 255);
    const ref = runTflite(readFileSync(src), [{ data: x }])[0]!.data as Float32Array;
    const got = runTflite(readFileSync(out), [{ data: x }])[0]!.data as Float32Array;
    expect(got.length).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
  });

  it('names the bad option', async () => {
    const { model } = await readModel(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    await expect(writeModel(model, join(tmp.path, 'x.tflite'), { mode: 'int3' })).rejects.toMatchObject({
      code: 'format/bad-option',
      field: 'mode',
    });
  });
});

describe('pruned weights in TFLite', () => {
  it('stores a pruned float weight sparse (CSR + DENSIFY) and reads it back to the same outputs', async () => {
    const src = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
    const { model } = await readModel(src);
    // Zero 80 % of the 256x10 classifier weight (stored as 16x4x4x10), as magnitude pruning would.
    const w = model.graph.initializers().find((v) => v.const!.size === 2560)!;
    const data = Float32Array.from(w.const!.toFloat32(), (x, i) => (i % 5 === 0 ? x : 0));
    model.graph.setConst(w, float32Tensor([...w.const!.shape], data));
    const sparse = join(tmp.path, 'pruned.tflite');
    const dense = join(tmp.path, 'pruned-dense.tflite');
    await writeModel(model, sparse);
    await writeModel(model, dense, { sparseWeights: 'never' });
    expect(statSync(sparse).size).toBeLessThan(statSync(dense).size - 4000);

    const back = await readModel(sparse);
    const x = digit();
    const run = async (m: typeof model) => {
      const s = await ort.InferenceSession.create(writeOnnxBytes(m));
      const r = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
      return r[s.outputNames[0]!]!.data as Float32Array;
    };
    const want = await run(model);
    const got = await run(back.model);
    const [y] = runTflite(readFileSync(sparse), [{ data: x }]);
    for (let i = 0; i < 10; i++) {
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-3);
      expect(Math.abs((y!.data as Float32Array)[i]! - want[i]!)).toBeLessThan(1e-3);
    }
  });
});
