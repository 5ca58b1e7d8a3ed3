import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { runTflite } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io.js';

const tmp = tempDir('enxuto-tflite-handler-');
afterAll(() => tmp.cleanup());

const digit = () => new Float32Array(784).map((_, i) => ((i * 53) % 256) * ((i % 28) > 6 && (i % 28) < 22 ? 1 : 0));

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
    const ref = (await session.run({ Input3: new ort.Tensor('float32', x, [1, 1, 28, 28]) }))['Plus214_Output_0']!.data as Float32Array;
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
    await expect(writeModel(model, join(tmp.path, 'x.tflite'), { mode: 'int3' })).rejects.toMatchObject({ code: 'format/bad-option', field: 'mode' });
  });
});
