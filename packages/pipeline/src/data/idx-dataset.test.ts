import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { parseIdx } from './idx.js';
import { openDataset } from './open-dataset.js';
import { describeFailure } from './describe-failure.js';

/** An idx file of unsigned bytes with the given dims; `data` defaults to i % 256. */
function idx(dims: number[], data?: Uint8Array): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const body = data ?? Uint8Array.from({ length: n }, (_, i) => i % 256);
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const write = (name: string, bytes: Uint8Array) => {
  writeFileSync(join(tmp.path, name), bytes);
  return name;
};

describe('parseIdx', () => {
  it('reads dims and data', () => {
    const parsed = parseIdx(idx([2, 2, 3]), 'x', 'images');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('rejects bad magic, unsupported types and short headers with the file and field', () => {
    const wrongMagic = idx([2]);
    wrongMagic[0] = 1;
    expect(describeFailure(() => parseIdx(wrongMagic, 'a.idx', 'images'))).toMatch(
      /a\.idx, field images\.header: not an idx file: it does not start with 00 00 <type> <rank>$/,
    );
    const float = idx([2]);
    float[2] = 0x0d;
    expect(describeFailure(() => parseIdx(float, 'a.idx', 'images'))).toMatch(/float32 is not supported/);
    expect(describeFailure(() => parseIdx(idx([5, 5, 5]).subarray(0, 10), 'a.idx', 'images'))).toMatch(
      /header needs 16/,
    );
    expect(() => parseIdx(new Uint8Array(2), 'a.idx', 'images')).toThrow(FormatError);
  });

  it('compares huge declared dims with the real size instead of allocating', () => {
    const lying = new Uint8Array(16);
    lying.set([0, 0, 8, 3]);
    new DataView(lying.buffer).setUint32(4, 0xffffffff);
    new DataView(lying.buffer).setUint32(8, 0xffffffff);
    new DataView(lying.buffer).setUint32(12, 0xffffffff);
    expect(describeFailure(() => parseIdx(lying, 'big.idx', 'images'))).toMatch(
      /truncated: dims \[4294967295, 4294967295, 4294967295\]/,
    );
  });
});

describe('mnist-idx datasets', () => {
  it('loads the official test set: 10,000 images, the first label read from the file is 7', () => {
    const images = sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz');
    const labels = sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz');
    const ds = openDataset(
      { type: 'mnist-idx', images, labels, preprocess: { scale: 255, shape: [1, 1, 28, 28] } },
      { roots: [sharedDir()] }, // inside the declared root
    );
    expect(ds.size).toBe(10_000);
    expect(ds.shape).toEqual([1, 28, 28]);
    expect(ds.numClasses).toBe(10);
    // The labels as stored in the file, read independently of the loader.
    const raw = gunzipSync(readFileSync(labels)).subarray(8);
    expect(raw[0]).toBe(7);
    const histogram = new Array<number>(10).fill(0);
    for (let i = 0; i < ds.size; i++) {
      if (i < 20) expect(ds.sample(i).label).toBe(raw[i]);
      histogram[raw[i]!]!++;
    }
    expect(histogram.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.min(...histogram)).toBeGreaterThan(800); // every digit is well represented
    const batch = [...ds.batches(1000)][9]!;
    expect(batch.shape).toEqual([1000, 1, 28, 28]);
    expect(Array.from(batch.labels!)).toEqual(Array.from(raw.subarray(9000)));
    // Pixels come back as the file's bytes (scale 255 undoes the /255).
    const pixels = gunzipSync(readFileSync(images)).subarray(16, 16 + 784);
    const first = ds.sample(0).input;
    for (let p = 0; p < 784; p += 37) expect(first[p]).toBeCloseTo(pixels[p]!, 3);
  });

  it('reads gzipped and plain files alike, relative to baseDir', () => {
    write('plain-images', idx([3, 2, 2]));
    write('plain-labels', idx([3], Uint8Array.from([1, 2, 3])));
    write('gz-images.gz', gzipSync(idx([3, 2, 2])));
    const plain = openDataset(
      { type: 'mnist-idx', images: 'plain-images', labels: 'plain-labels' },
      { baseDir: tmp.path },
    );
    const gz = openDataset(
      { type: 'mnist-idx', images: 'gz-images.gz', labels: 'plain-labels', count: 2 },
      { baseDir: tmp.path },
    );
    expect(gz.size).toBe(2);
    expect(Array.from(gz.sample(1).input)).toEqual(Array.from(plain.sample(1).input));
    expect(Array.from(plain.sample(1).input)).toEqual([4 / 255, 5 / 255, 6 / 255, 7 / 255].map(Math.fround));
    expect(plain.sample(2).label).toBe(3);
  });

  it('gives typed errors naming the file and field for truncated and mismatched files (BAD_INPUTS 37)', () => {
    const open = (images: string, labels: string) => () =>
      openDataset({ type: 'mnist-idx', images, labels }, { baseDir: tmp.path });
    write('ok-images', idx([4, 3, 3]));
    write('ok-labels', idx([4], Uint8Array.from([0, 1, 2, 3])));
    write('short-images', idx([4, 3, 3]).subarray(0, 30));
    write('three-labels', idx([3], Uint8Array.from([0, 1, 2])));
    write('bad-label', idx([4], Uint8Array.from([0, 1, 12, 3])));
    write('truncated.gz', gzipSync(idx([4, 3, 3])).subarray(0, 20));
    write('labels-as-images', idx([4, 3, 3]));

    const short = (() => {
      try {
        open('short-images', 'ok-labels')();
      } catch (e) {
        return e as FormatError;
      }
      throw new Error('expected an error');
    })();
    expect(short).toBeInstanceOf(FormatError);
    expect(short.code).toBe('data/truncated');
    expect(short.file).toBe(join(tmp.path, 'short-images'));
    expect(short.field).toBe('data.images.dims');
    expect(short.describe()).toMatch(
      /short-images, field data\.images\.dims: truncated: dims \[4, 3, 3\] need 36 data bytes, the file has 14/,
    );

    expect(describeFailure(open('ok-images', 'three-labels'))).toMatch(
      /three-labels, field data\.labels\.count: 3 labels but .*ok-images has 4 images/,
    );
    expect(describeFailure(open('ok-images', 'bad-label'))).toMatch(
      /bad-label, field data\.labels\[2\]: label 12 is not below numClasses 10/,
    );
    expect(describeFailure(open('truncated.gz', 'ok-labels'))).toMatch(
      /truncated\.gz, field data\.images: gzip stream is truncated/,
    );
    expect(describeFailure(open('ok-images', 'labels-as-images'))).toMatch(
      /labels-as-images, field data\.labels\.rank: idx file has rank 3, expected 1/,
    );
    expect(describeFailure(open('ok-images', 'no-such-file'))).toMatch(
      /io\/not-found \| no-such-file, field data\.labels: cannot read no-such-file: no such file or folder/,
    );
  });

  it('refuses a file larger than the limit, compressed or not, before inflating it all', () => {
    write('big-images.gz', gzipSync(idx([100, 28, 28])));
    const open = () =>
      openDataset({ type: 'mnist-idx', images: 'big-images.gz' }, { baseDir: tmp.path, maxFileBytes: 10_000 });
    expect(describeFailure(open)).toMatch(
      /big-images\.gz, field data\.images: gzip data inflates to more than the 10000 bytes allowed/,
    );
    write('big-images', idx([100, 28, 28]));
    expect(
      describeFailure(() =>
        openDataset({ type: 'mnist-idx', images: 'big-images' }, { baseDir: tmp.path, maxFileBytes: 10_000 }),
      ),
    ).toMatch(/io\/too-large .*is 78416 bytes, more than the 10000 read into memory/);
  });
});
