// Format write options: unknown keys refused by every handler with the key named; the defaults a
// QDQ model gets (TFLite int8, TF.js dequantized with uint8 weights).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel, Model, tensorFromValues, tensorType, type Value } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { readTflite } from '@enxuto/tflite';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { runTflite } from '@enxuto/tflite-interpreter';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io.js';
import { defaultTfliteMode } from './tflite-handler.js';

const tmp = tempDir('enxuto-format-options-');
afterAll(() => tmp.cleanup());

/** x[1, 8] -> MatMul(DQ int8 W) + DQ int32 bias -> Q/DQ uint8 zp 0 (a folded Relu) -> MatMul(DQ W2) -> Q/DQ -> y[1, 4]. */
function qdqMlp(): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', [1, 8]));
  const c = (name: string, dtype: 'float32' | 'int8' | 'uint8' | 'int32', shape: number[], v: ArrayLike<number>) =>
    g.addInitializer(name, tensorFromValues(dtype, shape, v));
  const dq = (name: string, q: Value, s: Value, z: Value) =>
    g.addNode({ opType: 'DequantizeLinear', inputs: [q, s, z], outputs: [name] }).output();
  const qdq = (v: Value, base: string, scale: number, zpType: 'uint8' | 'int8') => {
    const s = c(`${base}_s`, 'float32', [], [scale]);
    const z = c(`${base}_z`, zpType, [], [0]);
    const q = g.addNode({ opType: 'QuantizeLinear', inputs: [v, s, z], outputs: [`${base}_q`] }).output();
    return dq(`${base}_dq`, q, s, z);
  };
  const xq = qdq(x, 'x', 1 / 64, 'int8');
  const w = dq(
    'w',
    c(
      'w_q',
      'int8',
      [8, 6],
      Array.from({ length: 48 }, (_, i) => ((i * 37) % 255) - 127),
    ),
    c('w_s', 'float32', [], [0.01]),
    c('w_z', 'int8', [], [0]),
  );
  const b = dq(
    'b',
    c('b_q', 'int32', [6], [100, -200, 300, -50, 0, 20]),
    c('b_s', 'float32', [], [0.01 / 64]),
    c('b_z', 'int32', [], [0]),
  );
  const mm = g.addNode({ opType: 'MatMul', inputs: [xq, w], outputs: ['mm'] }).output();
  const add = g.addNode({ opType: 'Add', inputs: [mm, b], outputs: ['add'] }).output();
  const h = qdq(add, 'h', 0.02, 'uint8');
  const w2 = dq(
    'w2',
    c(
      'w2_q',
      'int8',
      [6, 4],
      Array.from({ length: 24 }, (_, i) => ((i * 53) % 200) - 100),
    ),
    c('w2_s', 'float32', [], [0.02]),
    c('w2_z', 'int8', [], [0]),
  );
  const y = g.addNode({ opType: 'MatMul', inputs: [h, w2], outputs: ['y'] }).output();
  y.type = tensorType('float32', [1, 4]);
  g.setOutputs([y]);
  checkModel(m);
  return m;
}

const input = Float32Array.from({ length: 8 }, (_, i) => ((i * 5) % 8) / 8 - 0.4);

async function runOrt(m: Model): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(writeOnnxBytes(m));
  return (await s.run({ x: new ort.Tensor('float32', input, [1, 8]) }))['y']!.data as Float32Array;
}

describe('format write options', () => {
  it('every handler refuses an unknown key, naming it, and writes nothing', async () => {
    const { model } = await readModel(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    for (const [path, key] of [
      ['a.tflite', 'mdoe'],
      ['b.onnx', 'mode'],
      ['c', 'quantise'],
    ] as const) {
      const target = join(tmp.path, path);
      await expect(
        writeModel(model, target, { ...(path === 'c' ? { format: 'tfjs' } : {}), [key]: 'int8' }),
      ).rejects.toMatchObject({ code: 'format/unknown-option', field: key });
      expect(existsSync(path === 'c' ? join(target, 'model.json') : target)).toBe(false);
    }
  });

  it('TFLite: a QDQ model is written int8 when no mode is given; mode float32 still gives a float model', async () => {
    const m = qdqMlp();
    expect(defaultTfliteMode(m)).toBe('int8');
    const { model: float } = await readModel(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    expect(defaultTfliteMode(float)).toBe('float32');
    const ref = await runOrt(m);
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const [name, opts, int8] of [
      ['d.tflite', {}, true],
      ['f.tflite', { mode: 'float32' }, false],
    ] as const) {
      await writeModel(m, join(tmp.path, name), opts);
      const bytes = new Uint8Array(readFileSync(join(tmp.path, name)));
      expect(
        readTflite(bytes)
          .graph.initializers()
          .some((v) => v.const!.dtype === 'int8'),
        name,
      ).toBe(int8);
      const y = runTflite(bytes, [{ data: input }])[0]!.data as Float32Array;
      // int8: the same integer arithmetic up to rounding; float32: without activation rounding.
      for (let i = 0; i < 4; i++) expect(Math.abs(y[i]! - ref[i]!) / scale, name).toBeLessThan(0.05);
    }
  });

  it('TF.js: a QDQ model is written dequantized, uint8 weights by default, float32 with quantize: none', async () => {
    const m = qdqMlp();
    const ref = await runOrt(m);
    const scale = Math.max(...Array.from(ref, Math.abs));
    for (const [dir, opts, uint8] of [
      ['t1', {}, true],
      ['t2', { quantize: 'none' }, false],
    ] as const) {
      const folder = join(tmp.path, dir);
      await writeModel(m, folder, { format: 'tfjs', ...opts });
      const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
      const weights = json.weightsManifest.flatMap(
        (g: { weights: { quantization?: { dtype: string } }[] }) => g.weights,
      );
      expect(
        weights.some((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8'),
        dir,
      ).toBe(uint8);
      // Read back (an ONNX-domain float model) and run in onnxruntime: no Q/DQ left.
      const back = (await readModel(folder)).model;
      expect(
        back.graph.nodes.some((n) => n.opType.endsWith('QuantizeLinear')),
        dir,
      ).toBe(false);
      const s = await ort.InferenceSession.create(writeOnnxBytes(back));
      const y = (await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', input, [1, 8]) }))[s.outputNames[0]!]!
        .data as Float32Array;
      for (let i = 0; i < 4; i++) expect(Math.abs(y[i]! - ref[i]!) / scale, dir).toBeLessThan(0.05);
    }
  });
});
