// BAD_INPUTS case 37: a dataset file that is missing, truncated, or whose label count does not
// match the image count stops the run before any pass, with a typed error naming file and field.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { EnxutoError } from '@enxuto/ir';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definePass } from '@enxuto/pass';
import { createRegistry } from '../registry.js';
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

async function failsWith(
  files: Record<string, Uint8Array>,
  spec: Record<string, unknown>,
  type = 'mnist-idx',
  extra: Record<string, unknown> = {},
): Promise<EnxutoError> {
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir.path, name), bytes);
  const file = join(dir.path, 'p.json');
  writeFileSync(
    file,
    JSON.stringify({
      input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
      roots: [sharedDir()],
      data: { evaluation: { type, preprocess: { scale: 255, shape: [1, 1, 28, 28] }, ...spec } },
      passes: ['spy-pass'],
      outputs: ['out/m.onnx'],
      ...extra,
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

// Issue 13: dataset paths stay inside the pipeline's folder and its declared `roots:`, whatever the
// dataset kind; an error never shows a file's bytes; what a file claims is bounded by what it holds.
describe('dataset reads stay inside the allowed folders and within bounds (issue 13)', () => {
  it('absolute and .. paths of npy and image-folder datasets, outside the roots', async () => {
    const outside = tempDir('enxuto-outside-');
    try {
      writeFileSync(join(outside.path, 'x.npy'), new Uint8Array(200));
      mkdirSync(join(outside.path, 'imgs'));
      for (const [spec, type] of [
        [{ data: join(outside.path, 'x.npy') }, 'npy'],
        [{ data: `../${outside.path.split('/').pop()}/x.npy` }, 'npy'],
        [{ root: join(outside.path, 'imgs') }, 'image-folder'],
      ] as const) {
        const e = await failsWith({}, spec, type);
        expect(e.code).toBe('path/outside-roots');
        expect(e.field).toMatch(/^data\.evaluation\.(data|root)/);
      }
    } finally {
      outside.cleanup();
    }
  });

  it('a file that is not a dataset: the error names it, never its bytes', async () => {
    const secret = new TextEncoder().encode('AWS_SECRET_KEY=hunter2-do-not-print\n'.repeat(4));
    for (const spec of [{ images: 'creds.txt' }, { data: 'creds.txt' }]) {
      const e = await failsWith({ 'creds.txt': secret }, spec, 'images' in spec ? 'mnist-idx' : 'npy');
      expect(e.describe()).toMatch(/creds\.txt/);
      expect(e.describe()).not.toMatch(/AWS|hunter2|SECRET/);
    }
    // A CSV of secrets given as an image-folder labels file: its first column is not echoed either.
    mkdirSync(join(dir.path, 'imgs'));
    const csv = new TextEncoder().encode('aws_secret_access_key,hunter2\n');
    const e = await failsWith({ 'creds.csv': csv }, { root: 'imgs', labels: 'creds.csv' }, 'image-folder');
    expect(e.describe()).toMatch(/creds\.csv/);
    expect(e.describe()).not.toMatch(/aws_secret|hunter2/);
  });

  it('a small gzip that inflates far beyond its size (a gzip bomb)', async () => {
    // 64 MiB of zeros behind an idx header claiming 100k images, ~64 KiB on disk; the growth
    // allowance is lowered so the test stays small (the default refuses past 256 MiB).
    const header = idxImages(100_000, 28, 28, 0);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(64 * 2 ** 20)]));
    expect(bomb.byteLength).toBeLessThan(2 ** 20);
    const limits = { limits: { growthAllowance: 2 ** 20 } };
    const e = await failsWith({ 'bomb.gz': bomb }, { images: 'bomb.gz' }, 'mnist-idx', limits);
    expect(e.code).toBe('io/growth-limit');
    expect(e.describe()).toMatch(/bomb\.gz/);
  });

  it('a FIFO as the pipeline file: refused at once, never waited on', async () => {
    execFileSync('mkfifo', [join(dir.path, 'p.yaml')]);
    const err = await runPipeline(join(dir.path, 'p.yaml'), { cacheDir: false }).catch((e: unknown) => e);
    expect((err as EnxutoError).code).toBe('io/not-file');
  });

  it('a FIFO or a character device as a dataset file: refused at once, never read', async () => {
    execFileSync('mkfifo', [join(dir.path, 'fifo')]);
    expect((await failsWith({}, { images: 'fifo' })).code).toBe('io/not-file');
    const e = await failsWith({}, { images: '/dev/zero' }, 'mnist-idx', { roots: [sharedDir(), '/dev'] });
    expect(e.code).toBe('io/not-file');
    expect(e.describe()).toMatch(/character device/);
  });

  it('preprocess values that make every input one value or infinite (scale 0, std 1e-45)', async () => {
    const mnist = {
      images: sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz'),
      labels: sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz'),
      count: 10,
    };
    for (const [preprocess, field] of [
      [{ scale: 0, shape: [1, 1, 28, 28] }, 'scale'],
      [{ scale: 255, std: 1e-45, shape: [1, 1, 28, 28] }, 'std'],
    ] as const) {
      const e = await failsWith({}, { ...mnist, preprocess });
      expect(e.code).toBe('data/bad-preprocess');
      expect(e.field).toMatch(new RegExp(`^data\\.evaluation\\.preprocess\\.${field}`));
    }
  });
});
