// inspect / convert / bench through the spawned command, on mnist-8 and a few conformance models.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Model, tensorType } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { dirname, join } from 'node:path';
import { sharedPath, tempDir, tfliteFixturePath } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from './commands/bench.js';
import type { ConvertReport } from './commands/convert.js';
import type { InspectReport } from './commands/inspect.js';
import { runCli } from './cli.js';
import { enxuto, type CliRun } from './test-cli.js';

const MNIST = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
const tmp = tempDir('enxuto-cli-cmd-');
afterAll(() => tmp.cleanup());

/** The same command in this process: the spawned tests prove the executable, these the logic. */
async function inProcess(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTTY: false }, {});
  return { code, stdout, stderr };
}

function parsed<T>(r: CliRun): T {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const json = <T>(args: string[]): T => parsed<T>(enxuto(args));
const jsonIn = async <T>(args: string[]): Promise<T> => parsed<T>(await inProcess(args));

describe('inspect', () => {
  it('describes mnist-8 as JSON', () => {
    const r = json<InspectReport>(['inspect', MNIST, '--json']);
    expect(r).toMatchObject({
      file: MNIST,
      format: 'onnx',
      view: 'file',
      fileBytes: statSync(MNIST).size,
      irVersion: 3,
      opsets: { 'ai.onnx': 8 },
    });
    expect(r.inputs).toEqual([{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28], type: 'float32[1,1,28,28]' }]);
    expect(r.outputs.map((o) => [o.name, o.dtype, o.shape])).toEqual([['Plus214_Output_0', 'float32', [1, 10]]]);
    expect(r.ops).toMatchObject({ Conv: 2, Relu: 2, MaxPool: 2, Reshape: 2, MatMul: 1 });
    expect(r.nodeCount).toBe(Object.values(r.ops).reduce((a, b) => a + b, 0));
    // Conv 8x1x5x5 + 8, Conv 16x8x5x5 + 16, MatMul 256x10 + 10 (5994 floats), two 2-element Reshape shapes.
    expect(r.parameters).toEqual({ total: 5998, nonZero: 5998 });
    expect(r.bytesPerDtype).toEqual({ float32: 23976, int64: 32 });
  });

  it('describes a TFLite file as stored: its operators, tensor types and quantization', async () => {
    const file = tfliteFixturePath('uint8-io');
    const r = await jsonIn<InspectReport>(['inspect', file, '--json']);
    expect(r).toMatchObject({ format: 'tflite', view: 'file', fileBytes: statSync(file).size });
    expect(r.ops).toMatchObject({ 'tflite.CONV_2D': 2, 'tflite.DEPTHWISE_CONV_2D': 1, 'tflite.QUANTIZE': 2 });
    expect(r.inputs[0]).toMatchObject({ dtype: 'uint8', quant: { zeroPoint: [128] } });
    expect(r.outputs[0]).toMatchObject({ dtype: 'uint8', quant: { scale: [1 / 256], zeroPoint: [0] } });
    // Per-channel weights: five on axis 0 (conv/dense weights, biases), the depthwise one on axis 3.
    expect(r.quantization).toEqual({ tensorsByDtype: { uint8: 2, int8: 15, int32: 4 }, perAxisByAxis: { 0: 5, 3: 1 } });
    expect(r.bytesPerDtype).toMatchObject({ int8: 432 });
    const lowered = await jsonIn<InspectReport>(['inspect', file, '--json', '--lowered']);
    expect(lowered.view).toBe('lowered');
    expect(lowered.ops).toMatchObject({ Conv: 3, QuantizeLinear: expect.any(Number) });
    expect(Object.keys(lowered.ops).some((op) => op.startsWith('tflite.'))).toBe(false);
  });

  it('counts the weight shards in the size of a TF.js model', async () => {
    const folder = sharedPath('models', 'tfjs-mnist-layers');
    const r = await jsonIn<InspectReport>(['inspect', folder, '--json']);
    const shards = statSync(join(folder, 'group1-shard1of1')).size + statSync(join(folder, 'model.json')).size;
    expect(r).toMatchObject({ format: 'tfjs', view: 'lowered', fileBytes: shards });
  });

  it('prints a readable summary without --json', async () => {
    const r = await inProcess(['inspect', MNIST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format\s+onnx/);
    expect(r.stdout).toMatch(/Input3: float32 \[1,1,28,28\]/);
    expect(r.stdout).toMatch(/Conv\s+2/);
  });

  it('prints names from the file with control characters escaped (issue 13: printed raw)', async () => {
    const m = new Model();
    m.opsetImports.set('', 13);
    const x = m.graph.addInput('x\u001b]0;pwned\u0007\u001b[2J\nfake line', tensorType('float32', [1, 4]));
    m.graph.setOutputs([m.graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'] }).output()]);
    const file = join(tmp.path, 'escapes.onnx');
    writeFileSync(file, writeOnnxBytes(m));
    const r = await inProcess(['inspect', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\u0007');
    expect(r.stdout).toContain('\\e[2J\\nfake line');
  });
});

describe('convert', () => {
  it('round-trips mnist-8 and the copy inspects the same', async () => {
    const out = join(tmp.path, 'mnist-copy.onnx');
    const c = await jsonIn<ConvertReport>(['convert', MNIST, out, '--json']);
    expect(c).toMatchObject({ inputFormat: 'onnx', outputFormat: 'onnx', files: [out], bytes: statSync(out).size });
    const a = await jsonIn<InspectReport>(['inspect', MNIST, '--json']);
    const b = await jsonIn<InspectReport>(['inspect', out, '--json']);
    expect(b.ops).toEqual(a.ops);
    expect(b.inputs).toEqual(a.inputs);
    expect(b.parameters).toEqual(a.parameters);
  });

  it('refuses to overwrite its input', async () => {
    const before = readFileSync(MNIST);
    const r = await inProcess(['convert', MNIST, MNIST]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^enxuto: .*refusing to overwrite .*mnist\.onnx: the input reads it/);
    expect(readFileSync(MNIST).equals(before)).toBe(true);
  });
});

describe('bench', () => {
  // ort-web runs in a fresh process (its wasm thread count is fixed per process); ort-node in this one.
  it.each([
    ['ort-node', false],
    ['ort-web', true],
  ] as const)('measures mnist-8 on %s', async (runtime, spawned) => {
    const args = ['bench', MNIST, '--runtime', runtime, '--runs', '5', '--warmup', '1', '--threads', '1', '--json'];
    const r = spawned ? json<BenchReport>(args) : await jsonIn<BenchReport>(args);
    expect(r).toMatchObject({ runtime, runs: 5, warmup: 1, batch: 1, threads: 1 });
    expect(r.inputs).toEqual([{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
    expect(r.latencyMs.min).toBeGreaterThan(0);
    expect(r.latencyMs.min).toBeLessThanOrEqual(r.latencyMs.p50);
    expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p95);
    expect(r.throughputPerSec).toBeGreaterThan(0);
  });

  it('fills a symbolic first dimension with --batch and takes --shape for exact shapes', async () => {
    const m = new Model();
    m.opsetImports.set('', 17);
    const x = m.graph.addInput('x', tensorType('float32', ['N', 4, 'T']));
    const y = m.graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'] }).output(0);
    y.type = tensorType('float32', ['N', 4, 'T']);
    m.graph.setOutputs([y]);
    const file = join(tmp.path, 'symbolic.onnx');
    writeFileSync(file, writeOnnxBytes(m));
    const a = await jsonIn<BenchReport>(['bench', file, '--batch', '3', '--runs', '2', '--warmup', '0', '--json']);
    expect(a.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [3, 4, 1] }]);
    expect(a.batch).toBe(3);
    const b = await jsonIn<BenchReport>([
      'bench',
      file,
      '--shape',
      'x=2,4,7',
      '--runs',
      '2',
      '--warmup',
      '0',
      '--json',
    ]);
    expect(b.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [2, 4, 7] }]);
  });

  it('measures an ONNX model whose weights are in an external data file', async () => {
    const { readOnnxFile, writeOnnxFile } = await import('@enxuto/onnx/node');
    const file = join(tmp.path, 'external', 'mnist.onnx');
    mkdirSync(dirname(file), { recursive: true });
    writeOnnxFile(readOnnxFile(MNIST), file, { externalData: { location: 'mnist.onnx.data', threshold: 1024 } });
    expect(statSync(`${file}.data`).size).toBeGreaterThan(20000);
    const r = await jsonIn<BenchReport>(['bench', file, '--runs', '2', '--warmup', '0', '--json']);
    expect(r.format).toBe('onnx');
    expect(r.latencyMs.min).toBeGreaterThan(0);
  });

  it.each(['uint8-io', 'int8-io'] as const)('measures the quantized TFLite model %s (integer inputs)', async (name) => {
    const r = await jsonIn<BenchReport>(['bench', tfliteFixturePath(name), '--runs', '2', '--warmup', '0', '--json']);
    expect(r.format).toBe('tflite');
    expect(r.inputs).toEqual([{ name: 'serving_default_x:0', dtype: name.slice(0, -3), shape: [1, 16, 16, 3] }]);
    expect(r.latencyMs.min).toBeGreaterThan(0);
  });

  it('names a --shape for an input the model does not have', async () => {
    const r = await inProcess(['bench', MNIST, '--shape', 'image=1,3', '--runs', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/field --shape: --shape names image, which is not an input \(inputs: Input3\)$/);
  });

  it('names a malformed --shape', async () => {
    const r = await inProcess(['bench', MNIST, '--shape', 'Input3=1,x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "enxuto: field --shape: --shape expects name=d0,d1,... with whole numbers, got 'Input3=1,x'\n",
    );
  });

  it('names an unknown runtime', async () => {
    const r = await inProcess(['bench', MNIST, '--runtime', 'tvm']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("enxuto: field runtime: unknown runtime 'tvm' (available: ort-node, ort-web)");
  });
});

describe('conformance models', () => {
  const cases = [
    ['node', 'test_abs'],
    ['node', 'test_conv_with_strides_padding'],
    ['pytorch-converted', 'test_Conv2d'],
    ['simple', 'test_single_relu_model'],
  ] as const;

  it.each(cases)('%s/%s inspects, converts and benches', async (suite, name) => {
    const model = sharedPath('conformance', 'onnx-backend', suite, name, 'model.onnx');
    const info = await jsonIn<InspectReport>(['inspect', model, '--json']);
    expect(info.format).toBe('onnx');
    expect(info.inputs.length).toBeGreaterThan(0);
    const out = join(tmp.path, `${suite}-${name}.onnx`);
    await jsonIn<ConvertReport>(['convert', model, out, '--json']);
    expect((await jsonIn<InspectReport>(['inspect', out, '--json'])).ops).toEqual(info.ops);
    const b = await jsonIn<BenchReport>(['bench', out, '--runs', '2', '--warmup', '0', '--json']);
    expect(b.inputs.map((i) => i.name)).toEqual(info.inputs.map((i) => i.name));
  });
});
