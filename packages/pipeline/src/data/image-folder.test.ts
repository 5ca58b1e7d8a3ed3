import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { tempDir } from '@enxuto/test-support';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from './open-dataset.js';
import { describeFailure } from './describe-failure.js';

const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }): Buffer } };
};

type Pixel = (x: number, y: number) => [number, number, number];
const rgba = (width: number, height: number, pixel: Pixel): Buffer => {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], (y * width + x) * 4);
  }
  return data;
};
const png = (width: number, height: number, pixel: Pixel) =>
  PNG.sync.write({ width, height, data: rgba(width, height, pixel) });
const jpeg = (width: number, height: number, pixel: Pixel) =>
  encodeJpeg({ width, height, data: rgba(width, height, pixel) }, 95).data;

/** An interlaced 100x100 PNG whose pixel data inflates to 20 MB (pngjs inflates those without a cap). */
function interlacedBomb(): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body, Buffer.alloc(4)]); // CRC left zero: refused before anyone checks it
  };
  const ihdr = Buffer.from([0, 0, 0, 100, 0, 0, 0, 100, 8, 2, 0, 0, 1]);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(20_000_000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const GREEN: Pixel = () => [0, 255, 0];
const RED: Pixel = () => [255, 0, 0];
const GRAY: Pixel = () => [128, 128, 128];
/** Left half black, right half white. */
const HALVES: Pixel = (x) => (x < 2 ? [0, 0, 0] : [255, 255, 255]);

const tmp = tempDir();
const at = (...parts: string[]) => join(tmp.path, ...parts);
const put = (path: string, bytes: Uint8Array | string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
};

beforeAll(() => {
  // Class folders, deliberately created out of order: labels follow sorted names.
  put(at('classes', 'zebra', 'x.png'), png(4, 4, RED));
  put(at('classes', 'zebra', 'readme.txt'), 'not an image');
  put(at('classes', 'ant', '1.png'), png(4, 4, GREEN));
  put(at('classes', 'ant', '2.jpg'), jpeg(4, 4, GRAY));
  put(at('classes', 'loose.png'), png(4, 4, GREEN));
  put(at('flat', 'a.png'), png(4, 4, HALVES));
  put(at('flat', 'b.PNG'), png(4, 4, RED));
  put(at('mixed', 'a.png'), png(4, 4, RED));
  put(at('mixed', 'b.png'), png(6, 4, RED));
  put(at('outside.png'), png(4, 4, RED));
  put(at('escape', 'in.png'), png(4, 4, RED));
  symlinkSync(at('outside.png'), at('escape', 'link.png'));
  mkdirSync(at('empty'));
  put(at('bad', 'noise.png'), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  // A valid PNG header claiming 100,000 x 100,000 pixels.
  const huge = png(1, 1, RED);
  huge.writeUInt32BE(100_000, 16);
  huge.writeUInt32BE(100_000, 20);
  put(at('huge', 'big.png'), huge);
  // A JPEG whose frame header (SOF0: FF C0 len precision height width) claims 60,000 x 60,000.
  const bigJpeg = Buffer.from(jpeg(8, 8, GRAY));
  const sof = bigJpeg.indexOf(Buffer.from([0xff, 0xc0]));
  bigJpeg.writeUInt16BE(60_000, sof + 5);
  bigJpeg.writeUInt16BE(60_000, sof + 7);
  put(at('huge-jpeg', 'big.jpg'), bigJpeg);
  put(at('broken-jpeg', 'cut.jpg'), jpeg(8, 8, GRAY).subarray(0, 40));
  put(at('bomb', 'interlaced.png'), interlacedBomb());
  put(at('numeric.csv'), 'file,label\nzebra/x.png,1\n\n# a comment\nant/1.png,0\n');
  put(at('named.csv'), 'zebra/x.png, stripes\nant/1.png, plain\nant/2.jpg, plain\n');
  put(at('traversal.csv'), 'ant/1.png,0\n../outside.png,1\n');
  put(at('absolute.csv'), `${at('outside.png')},1\n`);
});
afterAll(() => tmp.cleanup());

const open = (spec: object) => openDataset({ type: 'image-folder', ...spec }, { baseDir: tmp.path });

describe('image-folder datasets', () => {
  it('labels by sorted sub-folder and decodes PNG and JPEG to RGB in [0, 1], NCHW by default', () => {
    const ds = open({ root: 'classes' });
    expect([ds.size, ds.numClasses, ds.classNames, ds.shape]).toEqual([3, 2, ['ant', 'zebra'], [3, 4, 4]]);
    const [batch] = [...ds.batches(3)];
    expect(Array.from(batch!.labels!)).toEqual([0, 0, 1]);
    const green = ds.sample(0).input;
    expect([green[0], green[16], green[32], green[47]]).toEqual([0, 1, 0, 0]);
    const gray = ds.sample(1).input;
    for (const v of gray) expect(Math.abs(v - 128 / 255)).toBeLessThan(0.02);
    const red = ds.sample(2).input;
    expect([red[0], red[15], red[16], red[32]]).toEqual([1, 1, 0, 0]);
  });

  it('lays out NHWC, converts to grayscale and normalises per channel', () => {
    const nhwc = open({
      root: 'classes',
      preprocess: { layout: 'NHWC', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.25] },
    });
    expect(nhwc.shape).toEqual([4, 4, 3]);
    expect(Array.from(nhwc.sample(0).input.subarray(0, 6))).toEqual([-1, 1, -2, -1, 1, -2]);
    const gray = open({ root: 'classes', color: 'grayscale', preprocess: { scale: 255 } });
    expect(gray.shape).toEqual([1, 4, 4]);
    expect(gray.sample(0).input[0]).toBeCloseTo(0.587 * 255, 3);
    expect(gray.sample(2).input[5]).toBeCloseTo(0.299 * 255, 3);
  });

  it('resizes bilinearly to the declared size and fills the model shape', () => {
    const ds = open({ root: 'flat', color: 'grayscale', preprocess: { shape: [1, 1, 2, 2] } });
    expect([ds.size, ds.hasLabels, ds.shape]).toEqual([2, false, [1, 2, 2]]);
    expect(Array.from(ds.sample(0).input)).toEqual([0, 1, 0, 1]);
    const [batch] = [...ds.batches(8)];
    expect(batch!.shape).toEqual([2, 1, 2, 2]);
    expect(batch!.labels).toBeUndefined();
    const resized = open({ root: 'flat', preprocess: { resize: [8, 8], layout: 'NHWC' } });
    expect(resized.shape).toEqual([8, 8, 3]);
  });

  it('reads labels files with integer labels or class names', () => {
    const numeric = open({ root: 'classes', labels: 'numeric.csv' });
    expect([numeric.size, numeric.numClasses, numeric.classNames]).toEqual([2, 2, undefined]);
    expect([numeric.sample(0).label, numeric.sample(1).label]).toEqual([1, 0]);
    expect(numeric.sample(0).input[0]).toBe(1); // zebra/x.png is red
    const named = open({ root: 'classes', labels: 'named.csv' });
    expect(named.classNames).toEqual(['plain', 'stripes']);
    expect([0, 1, 2].map((i) => named.sample(i).label)).toEqual([1, 0, 0]);
  });

  it('takes a seeded subset of count images', () => {
    const a = open({ root: 'classes', count: 2, seed: 3 });
    const b = open({ root: 'classes', count: 2, seed: 3 });
    expect(a.size).toBe(2);
    expect([0, 1].map((i) => Array.from(a.sample(i).input))).toEqual([0, 1].map((i) => Array.from(b.sample(i).input)));
    expect(describeFailure(() => open({ root: 'classes', count: 4 }))).toMatch(
      /data\/count-too-large \| field data\.count: count 4 is more than the 3 images/,
    );
  });

  it('never reads outside the root: traversal, absolute names and symlinks are typed errors', () => {
    // The line is named, never quoted: a labels file may be any file the user can read.
    const traversal = describeFailure(() => open({ root: 'classes', labels: 'traversal.csv' }));
    expect(traversal).toMatch(
      /data\/bad-label \| .*traversal\.csv, field data\.labels line 2: the image this line names cannot be read \(path\/unsafe\)/,
    );
    expect(traversal).not.toContain('outside.png');
    expect(describeFailure(() => open({ root: 'classes', labels: 'absolute.csv' }))).toMatch(
      /data\/bad-label \| .*absolute\.csv, field data\.labels line 1: the image this line names cannot be read \(path\/unsafe\)/,
    );
    expect(describeFailure(() => open({ root: 'escape' }))).toMatch(
      /path\/unsafe \| .*escape, field data\.root: location 'link\.png': it resolves outside/,
    );
  });

  it('names the file of every bad image or folder', () => {
    expect(describeFailure(() => open({ root: 'mixed' }).sample(1))).toMatch(
      /data\/shape-mismatch \| .*mixed\/b\.png, field data\.preprocess\.resize: image is 6x4 but the first image is 4x4/,
    );
    expect(open({ root: 'mixed', preprocess: { resize: [4, 4] } }).sample(1).input.length).toBe(48);
    expect(describeFailure(() => open({ root: 'bad' }))).toMatch(
      /data\/bad-magic \| .*bad\/noise\.png, field magic: not a PNG or JPEG file/,
    );
    expect(describeFailure(() => open({ root: 'huge' }))).toMatch(
      /data\/image-too-large \| .*huge\/big\.png, field size: image is 100000x100000/,
    );
    expect(describeFailure(() => open({ root: 'huge-jpeg' }))).toMatch(
      /data\/image-too-large \| .*huge-jpeg\/big\.jpg, field size: JPEG is larger than 40000000 pixels/,
    );
    expect(describeFailure(() => open({ root: 'broken-jpeg' }))).toMatch(
      /data\/bad-image \| .*broken-jpeg\/cut\.jpg, field pixels: cannot decode JPEG/,
    );
    expect(describeFailure(() => open({ root: 'bomb' }))).toMatch(
      /data\/bad-image \| .*bomb\/interlaced\.png, field IDAT: PNG pixel data does not inflate within 81724 bytes/,
    );
    expect(describeFailure(() => open({ root: 'empty' }))).toMatch(
      /data\/empty \| .*empty, field data\.root: no \.png\/\.jpg\/\.jpeg images found/,
    );
    expect(describeFailure(() => open({ root: 'nowhere' }))).toMatch(
      /io\/not-found \| nowhere, field data\.root: cannot read nowhere: no such file or folder/,
    );
    expect(describeFailure(() => open({ root: 'classes', labels: 'nowhere.csv' }))).toMatch(
      /io\/not-found \| nowhere\.csv, field data\.labels: cannot read nowhere\.csv: no such file or folder/,
    );
  });
});
