import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTfjsModel, writeTfjsModel } from './node.js';

let tmp: { path: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('enxuto-tfjs-write-');
});
afterEach(() => tmp.cleanup());

const LAYERS = sharedPath('models', 'tfjs-mnist-layers', 'model.json');

describe('writeTfjsModel', () => {
  it('writes model.json and shards into a new folder, leaving no temporary files', () => {
    const out = join(tmp.path, 'out');
    const { files, bytes } = writeTfjsModel(readTfjsModel(LAYERS), out, { shardBytes: 100_000 });
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'group1-shard1of2.bin',
      'group1-shard2of2.bin',
      'model.json',
    ]);
    expect(readdirSync(tmp.path)).toEqual(['out']);
    // The folder follows the umask, like any folder the user makes (issue 13: it was always 0700).
    const umask = process.umask();
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~umask);
    expect(statSync(join(out, 'model.json')).mode & 0o777).toBe(0o666 & ~umask);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    expect(bytes).toBe(files.reduce((sum, f) => sum + readFileSync(f).byteLength, 0));
    // The float weights (177,704 bytes in the source) plus small int32 shape/perm constants.
    expect(bytes - readFileSync(join(out, 'model.json')).byteLength - 177_704).toBeLessThan(200);
    // What was written reads back with the same weights.
    const back = readTfjsModel(out); // the folder works as well as its model.json
    expect(back.graph.outputs.map((v) => v.name)).toEqual([
      'conv_1',
      'maxpool_1',
      'conv_2',
      'maxpool_2',
      'dense_1',
      'dense_2',
      'softmax',
    ]);
  });

  it('refuses a non-empty folder unless forced', () => {
    const out = join(tmp.path, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'x');
    expect(() => writeTfjsModel(readTfjsModel(LAYERS), out)).toThrowError(ConfigError);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    writeTfjsModel(readTfjsModel(LAYERS), out, { force: true });
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'keep.txt', 'model.json']);
  });

  it('never writes over the model it read, even when forced', () => {
    const src = join(tmp.path, 'src');
    writeTfjsModel(readTfjsModel(LAYERS), src);
    const before = readFileSync(join(src, 'model.json'));
    const model = readTfjsModel(join(src, 'model.json'));
    let err: unknown;
    try {
      writeTfjsModel(model, src, { force: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('io/overwrite-input');
    expect(readFileSync(join(src, 'model.json')).equals(before)).toBe(true);
    expect(readdirSync(tmp.path)).toEqual(['src']);
  });

  it('a model that cannot be written leaves nothing at the output path', () => {
    const model = readTfjsModel(LAYERS);
    const n = model.graph.nodes.find((x) => x.opType === 'Relu')!;
    n.opType = 'NonMaxSuppression';
    const out = join(tmp.path, 'out');
    expect(() => writeTfjsModel(model, out)).toThrow(/NonMaxSuppression/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.path)).toEqual([]);
  });
});
