// BAD_INPUTS case 37: a dataset file that is missing, truncated, or whose label count does not
// match the image count stops the run before any pass, with a typed error naming file and field.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnxutoError } from '@enxuto/ir';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definePass } from '../pass/define.js';
import { createRegistry } from '../pass/registry.js';
import { runPipeline } from './run-pipeline.js';

let dir: { path: string; cleanup: () => void };
let passRan = false;
const spy = definePass({
  name: 'spy-pass',
  summary: 'Records that it ran',
  async run(model) {
    passRan = true;
    return { model, changed: false, stats: {} };
  },
});
beforeEach(() => {
  dir = tempDir('enxuto-data-');
  passRan = false;
});
afterEach(() => dir.cleanup());

function idxImages(count: number, rows = 28, cols = 28, dataBytes = count * rows * cols): Uint8Array {
  const b = new Uint8Array(16 + dataBytes);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x00000803);
  v.setUint32(4, count);
  v.setUint32(8, rows);
  v.setUint32(12, cols);
  return b;
}

function idxLabels(count: number): Uint8Array {
  const b = new Uint8Array(8 + count);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x00000801);
  v.setUint32(4, count);
  return b;
}

async function failsWith(files: Record<string, Uint8Array>, spec: Record<string, unknown>): Promise<EnxutoError> {
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir.path, name), bytes);
  const file = join(dir.path, 'p.json');
  writeFileSync(
    file,
    JSON.stringify({
      input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
      roots: [sharedDir()],
      data: { evaluation: { type: 'mnist-idx', preprocess: { scale: 255, shape: [1, 1, 28, 28] }, ...spec } },
      passes: ['spy-pass'],
      outputs: ['out/m.onnx'],
    }),
  );
  const err = await runPipeline(file, { registry: createRegistry([spy]), cacheDir: false }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EnxutoError);
  expect(passRan).toBe(false);
  expect(existsSync(join(dir.path, 'out'))).toBe(false);
  return err as EnxutoError;
}

describe('bad dataset files (case 37)', () => {
  it('a missing images file', async () => {
    const e = await failsWith({}, { images: 'nope-images.idx' });
    expect(e.field).toMatch(/^data\.evaluation\.images/);
    expect(e.describe()).toMatch(/nope-images\.idx/);
  });

  it('a truncated images file', async () => {
    const e = await failsWith(
      { 'img.idx': idxImages(10, 28, 28, 100), 'lbl.idx': idxLabels(10) },
      { images: 'img.idx', labels: 'lbl.idx' },
    );
    expect(e.field).toMatch(/^data\.evaluation\.images/);
    expect(e.describe()).toMatch(/img\.idx/);
  });

  it('a label count that does not match the image count', async () => {
    const e = await failsWith(
      { 'img.idx': idxImages(10), 'lbl.idx': idxLabels(9) },
      { images: 'img.idx', labels: 'lbl.idx' },
    );
    expect(e.field).toMatch(/^data\.evaluation\.labels/);
    expect(e.message).toMatch(/10|9/);
  });

  it('a data path that leaves the pipeline folder through ..', async () => {
    const e = await failsWith({}, { images: '../../../../etc/passwd' });
    expect(e.field).toMatch(/^data\.evaluation/);
  });
});
