// TFLite -> TFLite of quantized models (tools/tflite-fixtures, made by TensorFlow's converter):
// read (lowered to QDQ ONNX) and written back in the default int8 mode, the file keeps the
// source's int8/uint8 inputs and outputs, runs CONV_2D on int8, and gives the source's outputs in
// the interpreter within one output step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tfliteFixturePath, type TfliteFixture } from '@enxuto/test-support';
import { builtinOperatorName, parseTflite } from '@enxuto/tflite';
import { TfliteInterpreter, type TfliteTypedArray } from '@enxuto/tflite-interpreter';
import { afterAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from './model-io.js';

const tmp = tempDir('enxuto-tflite-requantized-');
afterAll(() => tmp.cleanup());

const CASES: [TfliteFixture, number][] = [
  ['int8-float-io', 1 / 256],
  ['int8-io', 1],
  ['uint8-io', 1],
  ['int8-dense', 1],
];

function feed(dtype: string, n: number, seed: number): TfliteTypedArray {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed * 1.3));
  if (dtype === 'int8') return Int8Array.from(x, (v) => Math.round(v * 120));
  if (dtype === 'uint8') return Uint8Array.from(x, (v) => Math.round(v * 120 + 128));
  return x;
}

/** Builtin names of ops whose first input is an int8 tensor. */
function int8Ops(bytes: Uint8Array): string[] {
  const m = parseTflite(bytes);
  const sg = m.subgraphs![0]!;
  return sg
    .operators!.filter((op) => sg.tensors![op.inputs![0]!]?.type === 9)
    .map((op) => {
      const code = m.operator_codes![op.opcode_index]!;
      return builtinOperatorName(Math.max(code.builtin_code, code.deprecated_builtin_code)) ?? '';
    });
}

describe('quantized TFLite models written back as TFLite', () => {
  it.each(CASES)('%s keeps its input/output types and its outputs', async (name, step) => {
    const source = new Uint8Array(readFileSync(tfliteFixturePath(name)));
    const out = join(tmp.path, `${name}.tflite`);
    await writeModel((await readModel(tfliteFixturePath(name))).model, out);
    const written = new Uint8Array(readFileSync(out));
    const a = TfliteInterpreter.load(source);
    const b = TfliteInterpreter.load(written);
    expect(b.inputs.map((t) => [t.dtype, t.shape])).toEqual(a.inputs.map((t) => [t.dtype, t.shape]));
    expect(b.outputs.map((t) => [t.dtype, t.shape])).toEqual(a.outputs.map((t) => [t.dtype, t.shape]));
    expect(int8Ops(written)).toContain(name === 'int8-dense' ? 'FULLY_CONNECTED' : 'CONV_2D');
    const size = a.inputs[0]!.shape.reduce((x, y) => x * y, 1);
    for (let seed = 1; seed <= 3; seed++) {
      const x = feed(a.inputs[0]!.dtype, size, seed);
      const want = a.run([{ data: x }])[0]!.data;
      const got = b.run([{ data: x }])[0]!.data;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(Number(want[i]) - Number(got[i])));
      expect(worst).toBeLessThanOrEqual(step * 1.0001);
    }
  });

  it('int16x8 (16-bit activations) is refused in int8 mode, naming the node, and written as float32 on request', async () => {
    const model = (await readModel(tfliteFixturePath('int16x8'))).model;
    const out = join(tmp.path, 'int16x8.tflite');
    await expect(writeModel(model, out)).rejects.toMatchObject({
      code: 'tflite/export-unsupported',
      field: 'y_zero_point',
      node: expect.any(String),
      message: expect.stringContaining('16x8'),
    });
    await writeModel(model, out, { mode: 'float32' });
    const a = TfliteInterpreter.load(new Uint8Array(readFileSync(tfliteFixturePath('int16x8'))));
    const b = TfliteInterpreter.load(new Uint8Array(readFileSync(out)));
    const size = a.inputs[0]!.shape.reduce((x, y) => x * y, 1);
    // Half amplitude keeps the input inside the calibrated range: at full amplitude the source
    // saturates (0.06 off), which float32 does not emulate.
    const x = Float32Array.from(feed('float32', size, 1) as Float32Array, (v) => v / 2);
    const want = a.run([{ data: x }])[0]!.data;
    const got = b.run([{ data: x }])[0]!.data;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(Number(want[i]) - Number(got[i])));
    // float32 drops the 16-bit rounding: the outputs differ by int16 quantization noise only (2e-5).
    expect(worst).toBeLessThan(1e-4);
  });
});
