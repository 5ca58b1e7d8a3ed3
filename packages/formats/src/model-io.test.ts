import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FormatError, Model, opHistogram } from '@enxuto/ir';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_FORMATS } from './detect.js';
import type { FormatHandler } from './handler.js';
import { readModel, writeModel } from './model-io.js';
import { getFormat, listFormats, registerFormat } from './registry.js';

const tmp = tempDir('enxuto-formats-');
afterAll(() => tmp.cleanup());

// A toy file format ('FAKE' magic) and a toy folder format, to test the table without real codecs.
const written: string[] = [];
const fakeFile: FormatHandler = {
  name: 'fake',
  extensions: ['.fake'],
  writeOptions: z.strictObject({}),
  match: (head) => ({
    match: new TextDecoder().decode(head.subarray(0, 4)) === 'FAKE' ? 'magic' : 'no',
    reason: 'no FAKE magic',
  }),
  async read(path) {
    const m = new Model();
    m.docString = readFileSync(path, 'utf8');
    return { model: m, bytes: statSync(path).size };
  },
  plan: (path) => ({ kind: 'file', files: [path] }),
  async write(model, path) {
    writeFileSync(path, `FAKE${model.docString}`);
    written.push(path);
    return { files: [path], bytes: 4 + model.docString.length };
  },
};
const fakeFolder: FormatHandler = {
  name: 'fakedir',
  extensions: [''],
  writeOptions: z.strictObject({}),
  match: () => ({ match: 'no', reason: 'never sniffed' }),
  read: async () => ({ model: new Model(), bytes: 0 }),
  plan: (path) => ({ kind: 'folder', files: [join(path, 'w.bin')] }),
  async write(_model, path) {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'w.bin'), 'x');
    return { files: [join(path, 'w.bin')], bytes: 1 };
  },
};
registerFormat(fakeFile);
registerFormat(fakeFolder);

describe('the format table', () => {
  it('lists ONNX and registered formats, and names the available ones for an unknown name', () => {
    expect(listFormats().map((f) => f.name)).toEqual(expect.arrayContaining(['onnx', 'fake', 'fakedir']));
    expect(() => getFormat('caffe')).toThrow(ConfigError);
    expect(() => getFormat('caffe')).toThrow(/unknown format 'caffe' \(available: onnx, /);
    expect(() => registerFormat({ ...fakeFile, name: 'Bad Name' })).toThrow(/invalid format name/);
  });

  it('has a reader and writer for every built-in format, with the write options of its table entry', () => {
    for (const f of BUILTIN_FORMATS) expect(getFormat(f.name).writeOptions, f.name).toBe(f.writeOptions);
  });
});

describe('readModel', () => {
  it('detects the format by signature and reads through its handler', async () => {
    const p = join(tmp.path, 'model.bin');
    writeFileSync(p, 'FAKEhello');
    const r = await readModel(p);
    expect(r.format).toBe('fake');
    expect(r.bytes).toBe(9);
    expect(r.model.docString).toBe('FAKEhello');
  });

  it('names the file when it is missing or of no known format', async () => {
    await expect(readModel(join(tmp.path, 'nope.onnx'))).rejects.toMatchObject({
      code: 'io/not-found',
      file: join(tmp.path, 'nope.onnx'),
    });
    const p = join(tmp.path, 'junk.dat');
    writeFileSync(p, new Uint8Array([0xff, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0]));
    await expect(readModel(p)).rejects.toBeInstanceOf(FormatError);
    await expect(readModel(p)).rejects.toThrow(/fake: no FAKE magic/);
  });

  it('refuses a FIFO or a character device at once, without reading (issue 13: hung or ran out of memory)', async () => {
    const fifo = join(tmp.path, 'model.onnx.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const p of [fifo, '/dev/zero', '/dev/urandom']) {
      await expect(readModel(p)).rejects.toMatchObject({ code: 'io/not-file' });
    }
  });

  it('reads the real mnist-8 ONNX model', async () => {
    const p = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
    const r = await readModel(p);
    expect(r.format).toBe('onnx');
    expect(r.bytes).toBe(statSync(p).size);
    expect(r.model.graph.inputs.filter((v) => !v.isInitializer()).map((v) => v.name)).toEqual(['Input3']);
    expect(opHistogram(r.model)).toMatchObject({ Conv: 2, MaxPool: 2, Relu: 2 });
  });
});

describe('writeModel', () => {
  it('picks the format by extension and reports files and bytes', async () => {
    const m = new Model();
    m.docString = 'abc';
    const out = join(tmp.path, 'out.fake');
    expect(await writeModel(m, out)).toEqual({ format: 'fake', files: [out], bytes: 7 });
    expect(readFileSync(out, 'utf8')).toBe('FAKEabc');
  });

  it('refuses to overwrite an input, before writing anything', async () => {
    const input = join(tmp.path, 'in.fake');
    writeFileSync(input, 'FAKEin');
    const before = written.length;
    await expect(writeModel(new Model(), input, { inputs: [input] })).rejects.toMatchObject({
      code: 'io/overwrite-input',
    });
    expect(written.length).toBe(before);
    expect(readFileSync(input, 'utf8')).toBe('FAKEin');
  });

  it('refuses a non-empty output folder unless forced, and a folder holding the input', async () => {
    const dir = join(tmp.path, 'outdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'k');
    await expect(writeModel(new Model(), dir, { format: 'fakedir' })).rejects.toMatchObject({
      code: 'io/non-empty-folder',
      field: 'output',
    });
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    const r = await writeModel(new Model(), dir, { format: 'fakedir', force: true });
    expect(r.format).toBe('fakedir');
    expect(existsSync(join(dir, 'w.bin'))).toBe(true);
    const input = join(dir, 'keep.txt');
    await expect(
      writeModel(new Model(), dir, { format: 'fakedir', force: true, inputs: [input] }),
    ).rejects.toMatchObject({ code: 'io/overwrite-input' });
  });

  it('says which extensions it knows when it cannot tell the format', async () => {
    await expect(writeModel(new Model(), join(tmp.path, 'x.caffemodel'))).rejects.toThrow(
      /cannot tell the output format from '.caffemodel'.*onnx \(.onnx\)/,
    );
  });

  it('round-trips mnist-8 through ONNX', async () => {
    const src = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
    const { model } = await readModel(src);
    const out = join(tmp.path, 'copy.onnx');
    const w = await writeModel(model, out, { inputs: [src] });
    expect(w.format).toBe('onnx');
    expect(w.bytes).toBe(statSync(out).size);
    const again = await readModel(out);
    expect(opHistogram(again.model)).toEqual(opHistogram(model));
  });

  it('refuses an output that is a symlink to the input, and leaves the input intact', async () => {
    const input = join(tmp.path, 'linked-in.onnx');
    copyFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'), input);
    const link = join(tmp.path, 'link-out.onnx');
    symlinkSync(input, link);
    const before = readFileSync(input);
    const { model } = await readModel(input);
    await expect(writeModel(model, link, { inputs: [input] })).rejects.toMatchObject({ code: 'io/overwrite-input' });
    expect(readFileSync(input).equals(before)).toBe(true);
  });
});
