// The -> TFLite int8 criterion must pass a faithful export and fail real export bugs: a zero
// point or a scale written wrong in one layer of the real onnx-mnist-8 int8 model.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel, writeModel } from '@enxuto/formats/node';
import { cloneModel, tensorType, type Model } from '@enxuto/ir';
import { quantizeStatic } from '@enxuto/passes-quantize';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { encodeModel, parseTflite } from '@enxuto/tflite';
import { canonicalize } from '@enxuto/transforms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedsFor, type Feed } from './inputs.js';
import { envelopeRatio, judgeTfliteInt8, roundingTwin } from './int8-check.js';
import { runOnnx, type Outputs } from './runtimes.js';

const dir = mkdtempSync(join(tmpdir(), 'enxuto-int8-check-'));
let q: Model;
let samples: Feed[][];
let reference: Outputs[];
let good: Uint8Array;
const names = ['Plus214_Output_0'];

beforeAll(async () => {
  const read = (await readModel(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'))).model;
  const inputs = read.graph.inputs.filter((v) => v.const === undefined);
  samples = [0, 1].map((k) => feedsFor(inputs, k));
  const m = cloneModel(read);
  for (const v of m.graph.inputs) if (v.const === undefined) v.type = tensorType('float32', samples[0]![0]!.shape);
  canonicalize(m);
  const batches = [10, 11, 12, 13].map((k) => ({
    feeds: Object.fromEntries(feedsFor(inputs, k).map((f) => [f.name, { ...f }])),
    samples: 1,
  }));
  q = (await quantizeStatic(m, ortNodeBackend, batches)).model;
  await writeModel(q, join(dir, 'q.onnx'));
  reference = [];
  for (const s of samples) reference.push(await runOnnx(join(dir, 'q.onnx'), s, names, true));
  await writeModel(q, join(dir, 'good.tflite'));
  good = new Uint8Array(readFileSync(join(dir, 'good.tflite')));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The export with the int8 weights of its first integer kernel changed by `edit` (a tensor's own
 * parameters would change consistently for its producer and readers; weights and bias have no
 * producer, so a wrong scale or bias there changes what the model computes).
 */
function corrupted(edit: (weights: { scale: number[] }, bias: Int32Array) => void): string {
  const model = parseTflite(good);
  const sg = model.subgraphs![0]!;
  const kernel = sg.operators!.find((op) => sg.tensors![op.inputs![1]!]?.type === 9)!;
  const weights = sg.tensors![kernel.inputs![1]!]!.quantization!;
  const biasBuffer = model.buffers![sg.tensors![kernel.inputs![2]!]!.buffer]!;
  const bytes = Uint8Array.from(biasBuffer.data!);
  edit({ scale: weights.scale! }, new Int32Array(bytes.buffer));
  biasBuffer.data = bytes;
  const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.tflite`);
  writeFileSync(file, encodeModel(model));
  return file;
}

describe('-> TFLite int8 criterion', () => {
  it('passes the faithful export: read back exactly, interpreter inside the rounding envelope', async () => {
    const v = await judgeTfliteInt8(join(dir, 'good.tflite'), q, samples, reference, names, dir);
    expect(v.pass, v.detail).toBe(true);
    expect(v.detail).toContain('file read back: 1.0000');
    expect(v.metric).toBeLessThanOrEqual(1);
  }, 60_000);

  it('fails a bias quantized with the wrong scale (x2) in one layer', async () => {
    const v = await judgeTfliteInt8(
      corrupted((_, bias) => bias.forEach((b, i) => (bias[i] = 2 * b))),
      q,
      samples,
      reference,
      names,
      dir,
    );
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/file read back: 0\.\d+ < 0\.9999/);
    expect(v.metric).toBeGreaterThan(1);
  }, 60_000);

  it('fails one channel of the weights 10 % off', async () => {
    const v = await judgeTfliteInt8(
      corrupted((w) => (w.scale[0]! *= 1.1)),
      q,
      samples,
      reference,
      names,
      dir,
    );
    expect(v.pass).toBe(false);
    expect(v.detail).toMatch(/file read back: 0\.\d+ < 0\.9999/);
    expect(v.metric).toBeGreaterThan(1);
  }, 60_000);

  it('the rounding twin moves a quantized tensor by at most one step', async () => {
    // The first QuantizeLinear sees the same values in both models: only the twin's shift differs.
    const first = q.graph.nodes.find((n) => n.opType === 'QuantizeLinear')!;
    const name = first.output().name;
    const files = [q, roundingTwin(q, 1)].map(async (model, k) => {
      const m = cloneModel(model);
      m.graph.addOutput(m.graph.value(name)!);
      const file = join(dir, `first-q-${k}.onnx`);
      await writeModel(m, file);
      return (await runOnnx(file, samples[0]!, [name], true))[0]!;
    });
    const [exact, twin] = await Promise.all(files);
    let moved = 0;
    exact!.forEach((x, i) => {
      expect(Math.abs(x - twin![i]!)).toBeLessThanOrEqual(1);
      if (x !== twin![i]) moved++;
    });
    expect(moved).toBeGreaterThan(exact!.length / 20);
  }, 60_000);

  it('envelope ratio: the worst output against the twins', () => {
    const ref = [[Float64Array.from([0, 10])], [Float64Array.from([0, 10])]];
    const twin = [[Float64Array.from([1, 10])], [Float64Array.from([0, 11])]];
    expect(envelopeRatio(ref, twin, [twin])).toBe(1);
    const half = [[Float64Array.from([0.5, 10])], [Float64Array.from([0, 10.5])]];
    expect(envelopeRatio(ref, half, [twin])).toBe(0.5);
    expect(envelopeRatio(ref, ref, [ref])).toBe(0);
  });
});
