import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { opHistogram } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath, tempDir } from '@enxuto/test-support';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io.js';

const tmp = tempDir('enxuto-tfjs-handler-');
afterAll(() => tmp.cleanup());

async function runOnnx(model: Parameters<typeof writeOnnxBytes>[0], input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(writeOnnxBytes(model));
  const name = session.inputNames[0]!;
  const out = await session.run({ [name]: new ort.Tensor('float32', input, [1, 28, 28]) });
  // The layers model outputs every layer; the prediction is the last one.
  return out[session.outputNames[session.outputNames.length - 1]!]!.data as Float32Array;
}

describe('TF.js through the format table', () => {
  it('converts the shared layers model to ONNX and back to a TF.js folder with the same outputs', async () => {
    const src = sharedPath('models', 'tfjs-mnist-layers');
    const a = await readModel(src);
    expect(a.format).toBe('tfjs');
    expect(a.bytes).toBeGreaterThan(150_000);

    const onnxPath = join(tmp.path, 'm.onnx');
    await writeModel(a.model, onnxPath, { inputs: [src] });
    const b = await readModel(onnxPath);
    expect(b.format).toBe('onnx');

    const outDir = join(tmp.path, 'tfjs-out');
    const w = await writeModel(b.model, outDir, { format: 'tfjs', inputs: [onnxPath] });
    expect(w.format).toBe('tfjs');
    expect(existsSync(join(outDir, 'model.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8')).format).toBe('graph-model');

    const c = await readModel(outDir);
    expect(c.format).toBe('tfjs');
    const input = new Float32Array(784).map((_, i) => ((i * 37) % 255) / 255);
    const ya = await runOnnx(a.model, input);
    const yc = await runOnnx(c.model, input);
    expect(ya.length).toBe(10);
    for (let i = 0; i < 10; i++) expect(Math.abs(ya[i]! - yc[i]!)).toBeLessThan(1e-4);
    expect(Object.keys(opHistogram(c.model)).length).toBeGreaterThan(2);
  });

  it('refuses an unknown quantization option, naming the field', async () => {
    const { model } = await readModel(sharedPath('models', 'tfjs-mnist-graph'));
    await expect(writeModel(model, join(tmp.path, 'q'), { format: 'tfjs', quantize: 'int3' })).rejects.toMatchObject({
      code: 'format/bad-option',
      field: 'quantize',
    });
  });
});
