import { readFileSync } from 'node:fs';
import { RuntimeError } from '@enxuto/ir';
import { readOnnx } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend as getBrowserBackend } from './index.js';
import { getBackend } from './node.js';
import { argmax, mnistDigits } from './test-mnist.js';
import type { Session } from '@enxuto/pass';

const MODEL = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
const bytes = new Uint8Array(readFileSync(MODEL));
const { images, labels } = mnistDigits(50);

describe.each(['ort-node', 'ort-web'] as const)('%s on mnist-8', (name) => {
  let session: Session;
  beforeAll(async () => {
    session = await getBackend(name).createSession(bytes, { name: 'mnist.onnx', threads: 1 });
  });
  afterAll(() => session.release());

  it('reports the model inputs and outputs', () => {
    expect(session.inputs).toEqual([{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }]);
    expect(session.outputs).toEqual([{ name: 'Plus214_Output_0', dtype: 'float32', shape: [1, 10] }]);
  });

  it('classifies known test digits', async () => {
    let correct = 0;
    for (let i = 0; i < images.length; i++) {
      const out = await session.run({ Input3: { dtype: 'float32', shape: [1, 1, 28, 28], data: images[i]! } });
      const logits = out.Plus214_Output_0!;
      expect(logits.shape).toEqual([1, 10]);
      if (argmax(logits.data as Float32Array) === labels[i]) correct++;
    }
    // The first 50 test digits are all classified correctly by this model (98.91 % overall).
    expect(correct).toBe(50);
  });

  it('names the input in a shape error', async () => {
    const bad = session.run({ Input3: { dtype: 'float32', shape: [1, 1, 28, 28], data: new Float32Array(10) } });
    await expect(bad).rejects.toBeInstanceOf(RuntimeError);
    await expect(bad).rejects.toMatchObject({ code: 'runtime/bad-shape', value: 'Input3', file: 'mnist.onnx' });
  });

  it('names a missing input and refuses an unknown one', async () => {
    await expect(session.run({})).rejects.toMatchObject({ code: 'runtime/missing-input', value: 'Input3' });
    const feeds = {
      Input3: { dtype: 'float32' as const, shape: [1, 1, 28, 28], data: images[0]! },
      other: { dtype: 'float32' as const, shape: [1], data: new Float32Array(1) },
    };
    await expect(session.run(feeds)).rejects.toMatchObject({ code: 'runtime/unknown-input', value: 'other' });
  });

  it('refuses a wrong dtype', async () => {
    const feeds = { Input3: { dtype: 'int32' as const, shape: [1, 1, 28, 28], data: new Int32Array(784) } };
    await expect(session.run(feeds)).rejects.toMatchObject({ code: 'runtime/bad-dtype', field: 'dtype' });
  });
});

describe('both backends', () => {
  it('agree within 1e-4 on real digits', async () => {
    const a = await getBackend('ort-node').createSession(bytes);
    const b = await getBackend('ort-web').createSession(bytes);
    let maxDiff = 0;
    for (const img of images.slice(0, 10)) {
      const feeds = { Input3: { dtype: 'float32' as const, shape: [1, 1, 28, 28], data: img } };
      const x = (await a.run(feeds)).Plus214_Output_0!.data as Float32Array;
      const y = (await b.run(feeds)).Plus214_Output_0!.data as Float32Array;
      for (let i = 0; i < x.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(x[i]!)));
    }
    await a.release();
    await b.release();
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it('report a load failure as a RuntimeError naming the model', async () => {
    for (const name of ['ort-node', 'ort-web'] as const) {
      const p = getBackend(name).createSession(new Uint8Array([1, 2, 3, 4]), { name: 'broken.onnx' });
      await expect(p).rejects.toBeInstanceOf(RuntimeError);
      await expect(p).rejects.toMatchObject({ code: 'runtime/load', file: 'broken.onnx' });
    }
  });

  it('are found by name; the browser entry has ort-web only', () => {
    expect(getBackend('ort-node').name).toBe('ort-node');
    expect(getBackend('ort-web').name).toBe('ort-web');
    expect(getBrowserBackend('ort-web').name).toBe('ort-web');
    expect(() => getBrowserBackend('ort-node')).toThrow(/available: ort-web/);
    expect(() => getBackend('tflite')).toThrow(/unknown runtime 'tflite'/);
  });
});

describe('an IR model', () => {
  it('runs directly and gives the same logits as the original file', async () => {
    const model = await readOnnx(bytes, { file: MODEL });
    const a = await getBackend('ort-node').createSession(bytes);
    const b = await getBackend('ort-node').createSession(model);
    const feeds = { Input3: { dtype: 'float32' as const, shape: [1, 1, 28, 28], data: images[3]! } };
    const x = (await a.run(feeds)).Plus214_Output_0!.data as Float32Array;
    const y = (await b.run(feeds)).Plus214_Output_0!.data as Float32Array;
    expect(Array.from(y)).toEqual(Array.from(x));
    expect(argmax(y)).toBe(labels[3]);
    await a.release();
    await b.release();
  });
});

describe('defaultBackend', () => {
  it('is ort-node when onnxruntime-node is installed (an optional peer dependency)', async () => {
    const { defaultBackend, ortNodeInstalled } = await import('./node.js');
    expect(ortNodeInstalled()).toBe(true);
    expect(defaultBackend().name).toBe('ort-node');
  });
});
