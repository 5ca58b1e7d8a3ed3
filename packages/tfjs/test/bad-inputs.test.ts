// BAD_INPUTS.md cases 28-32: each bad model folder is built in a temp dir from the real graph model.
// Every case ends in a typed error naming the file and field; nothing outside the model folder is
// opened (openSync/readFileSync are watched).
import * as realFs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveLimits } from '@enxuto/io';
import { EnxutoError, FormatError, Model, tensorType, UnsupportedError } from '@enxuto/ir';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTfjs, writeTfjs } from '../src/index.js';
import { readTfjsModel } from '../src/node.js';

const opened: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const watch = <F extends (...args: any[]) => any>(f: F) =>
    ((p: unknown, ...rest: unknown[]) => {
      opened.push(resolve(String(p)));
      return f(p, ...rest);
    }) as unknown as F;
  return { ...fs, default: fs, openSync: watch(fs.openSync), readFileSync: watch(fs.readFileSync) };
});

const GRAPH_JSON = JSON.parse(realFs.readFileSync(sharedPath('models', 'tfjs-mnist-graph', 'model.json'), 'utf8'));
const SHARD = new Uint8Array(realFs.readFileSync(sharedPath('models', 'tfjs-mnist-graph', 'group1-shard1of1')));
const LAYERS_JSON = JSON.parse(realFs.readFileSync(sharedPath('models', 'tfjs-mnist-layers', 'model.json'), 'utf8'));
const LAYERS_SHARD = new Uint8Array(realFs.readFileSync(sharedPath('models', 'tfjs-mnist-layers', 'group1-shard1of1')));

let tmp: { path: string; cleanup: () => void };
let modelDir: string;
beforeEach(() => {
  tmp = tempDir('enxuto-tfjs-bad-');
  modelDir = join(tmp.path, 'model');
  mkdirSync(modelDir);
  opened.length = 0;
});
afterEach(() => tmp.cleanup());

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** Writes model.json (+ shard) into the model folder and returns the model.json path. */
function writeModel(json: unknown, shard: Uint8Array | null = SHARD, shardName = 'group1-shard1of1'): string {
  const p = join(modelDir, 'model.json');
  writeFileSync(p, typeof json === 'string' ? json : JSON.stringify(json));
  if (shard) writeFileSync(join(modelDir, shardName), shard);
  return p;
}

function readError(f: () => unknown): EnxutoError {
  try {
    f();
  } catch (e) {
    if (e instanceof EnxutoError) return e;
    throw new Error(`expected an EnxutoError, got ${String(e)}`);
  }
  throw new Error('expected an error, but the model was read');
}

function openedOutside(): string[] {
  return opened.filter((p) => !p.startsWith(`${modelDir}/`));
}

describe('28: manifest paths never leave the model folder', () => {
  it('(the watch on file opens sees the reads of a valid model)', () => {
    readTfjsModel(writeModel(GRAPH_JSON));
    expect(opened).toContain(join(modelDir, 'group1-shard1of1'));
    expect(opened).toContain(join(modelDir, 'model.json'));
  });

  const PATHS = ['../x', '/etc/x', 'https://evil/x', '%2e%2e/x', '..\\x', 'sub/../../x', 'file:x', '//srv/x'];
  for (const bad of PATHS) {
    it(`refuses '${bad}' before reading anything`, () => {
      // The outside target holds the right bytes: reading it would have produced a model.
      writeFileSync(join(tmp.path, 'x'), SHARD);
      const json = clone(GRAPH_JSON);
      json.weightsManifest[0].paths = [bad];
      const e = readError(() => readTfjsModel(writeModel(json, null)));
      expect(e).toBeInstanceOf(FormatError);
      expect(e.code).toBe('path/unsafe');
      expect(e.file).toBe('model.json');
      expect(e.field).toBe('weightsManifest[0].paths[0]');
      expect(openedOutside()).toEqual([]);
      // The browser-safe entry applies the same rules.
      expect(readError(() => readTfjs(json, SHARD)).code).toBe('path/unsafe');
    });
  }

  it('refuses a shard that is a symlink to a file outside the folder', () => {
    writeFileSync(join(tmp.path, 'x'), SHARD);
    symlinkSync(join(tmp.path, 'x'), join(modelDir, 'group1-shard1of1'));
    const e = readError(() => readTfjsModel(writeModel(GRAPH_JSON, null)));
    expect(e.code).toBe('path/unsafe');
    expect(e.field).toBe('weightsManifest[0].paths[0]');
    expect(openedOutside()).toEqual([]);
  });

  it('reports a missing shard as a typed error', () => {
    const e = readError(() => readTfjsModel(writeModel(GRAPH_JSON, null)));
    expect(e.code).toBe('path/missing');
  });
});

describe('29: shard bytes must match the weights exactly', () => {
  it('too few bytes', () => {
    const e = readError(() => readTfjsModel(writeModel(GRAPH_JSON, SHARD.subarray(0, SHARD.length - 4))));
    expect(e.code).toBe('tfjs/shard-size');
    expect(e.field).toBe('weightsManifest');
    expect(readError(() => readTfjs(GRAPH_JSON, SHARD.subarray(0, 100))).code).toBe('tfjs/shard-size');
  });

  it('too many bytes', () => {
    const more = new Uint8Array(SHARD.length + 4);
    more.set(SHARD);
    expect(readError(() => readTfjsModel(writeModel(GRAPH_JSON, more))).code).toBe('tfjs/shard-size');
    expect(readError(() => readTfjs(GRAPH_JSON, more)).code).toBe('tfjs/shard-size');
  });
});

describe('30: dtypes and quantization come from fixed lists', () => {
  const cases: [string, (w: any) => void, string, string][] = [
    ['unknown dtype', (w) => (w.dtype = 'float64'), 'tfjs/bad-dtype', 'weightsManifest[0].weights[0].dtype'],
    ['dtype of the wrong type', (w) => (w.dtype = 1), 'tfjs/bad-dtype', 'weightsManifest[0].weights[0].dtype'],
    [
      'unknown quantization dtype',
      (w) => (w.quantization = { dtype: 'int4', scale: 1, min: 0 }),
      'tfjs/bad-quant-dtype',
      'weightsManifest[0].weights[0].quantization.dtype',
    ],
    [
      'uint8 without min',
      (w) => (w.quantization = { dtype: 'uint8', scale: 0.1 }),
      'tfjs/bad-quant',
      'weightsManifest[0].weights[0].quantization.min',
    ],
    [
      'uint16 without scale',
      (w) => (w.quantization = { dtype: 'uint16', min: 0 }),
      'tfjs/bad-quant',
      'weightsManifest[0].weights[0].quantization.scale',
    ],
    [
      'non-finite scale',
      (w) => (w.quantization = { dtype: 'uint8', min: 0, scale: 'Infinity' }),
      'tfjs/bad-field',
      'weightsManifest[0].weights[0].quantization.scale',
    ],
  ];
  for (const [what, mutate, code, field] of cases) {
    it(what, () => {
      const json = clone(GRAPH_JSON);
      mutate(json.weightsManifest[0].weights[0]);
      const e = readError(() => readTfjsModel(writeModel(json)));
      expect(e).toBeInstanceOf(FormatError);
      expect([e.code, e.field, e.file, e.value]).toEqual([code, field, 'model.json', 'Variable']);
    });
  }
});

describe('31: string length prefixes and shapes', () => {
  const stringModel = (shape: unknown) => ({
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 's', op: 'Const', attr: {} },
        { name: 'y', op: 'Identity', input: ['s'] },
      ],
    },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 's', shape, dtype: 'string' }] }],
  });

  it('a length prefix beyond the buffer', () => {
    const bytes = new Uint8Array(4 + 3);
    new DataView(bytes.buffer).setUint32(0, 1000, true);
    const e = readError(() => readTfjs(stringModel([1]), bytes, { file: 'model.json' }));
    expect([e.code, e.value, e.file]).toEqual(['tfjs/string-length', 's', 'model.json']);
    // A huge element count with a tiny buffer stops at the first missing prefix.
    expect(readError(() => readTfjs(stringModel([1_000_000_000]), new Uint8Array(8))).code).toBe('tfjs/shard-size');
  });

  it('a valid string weight reads', () => {
    const bytes = new Uint8Array([2, 0, 0, 0, 104, 105]);
    const m = readTfjs(stringModel([1]), bytes);
    const s = m.graph.outputs[0]!;
    expect(new TextDecoder().decode(s.producer()!.input(0)!.const!.strings()[0])).toBe('hi');
  });

  for (const [what, dim] of [
    ['NaN', Number.NaN],
    ['negative', -3],
    ['fractional', 2.5],
    ['a string', '5'],
    ['null', null],
    ['huge', 2 ** 53],
  ] as const) {
    it(`a shape with a ${what} dimension`, () => {
      const json = clone(GRAPH_JSON);
      json.weightsManifest[0].weights[1].shape = [dim];
      const e = readError(() => readTfjs(json, SHARD, { file: 'model.json' }));
      expect(e.code === 'tfjs/bad-shape' || e.code === 'tfjs/too-large').toBe(true);
      expect([e.value, e.field]).toEqual(['Variable_1', 'weightsManifest[0].weights[1].shape']);
    });
  }

  it('shape overflow (product beyond 2^31) is refused before allocating', () => {
    const json = clone(GRAPH_JSON);
    json.weightsManifest[0].weights[0].shape = [2 ** 20, 2 ** 20, 2 ** 20];
    expect(readError(() => readTfjsModel(writeModel(json))).code).toBe('tfjs/too-large');
  });
});

describe('32: names, missing manifest, unknown classes', () => {
  it('duplicate weight names', () => {
    const json = clone(GRAPH_JSON);
    json.weightsManifest[0].weights[1].name = 'Variable';
    const e = readError(() => readTfjsModel(writeModel(json)));
    expect([e.code, e.value, e.field]).toEqual([
      'tfjs/duplicate-weight',
      'Variable',
      'weightsManifest[0].weights[1].name',
    ]);
  });

  it('__proto__ and constructor names and keys never reach a prototype', () => {
    const text = JSON.stringify(GRAPH_JSON)
      .replace('"name":"Variable_1"', '"name":"__proto__","__proto__":{"polluted":true}')
      .replace('"name":"Variable_1"', '"name":"__proto__"')
      .replace('"input":["Conv2D","Variable_1"]', '"input":["Conv2D","__proto__"]')
      .replace('"name":"Variable_3"', '"name":"constructor"')
      .replace('"name":"Variable_3"', '"name":"constructor"')
      .replace('"input":["Conv2D_1","Variable_3"]', '"input":["Conv2D_1","constructor"]');
    const m = readTfjsModel(writeModel(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(m.graph.initializers().some((v) => v.name.startsWith('__proto__'))).toBe(true);
    expect(m.graph.initializers().some((v) => v.name.startsWith('constructor'))).toBe(true);
  });

  it('a Const whose weight is missing', () => {
    const json = clone(GRAPH_JSON);
    json.modelTopology.node.push({ name: 'ghost', op: 'Const', attr: {} });
    const e = readError(() => readTfjs(json, SHARD, { file: 'model.json' }));
    expect([e.code, e.node]).toEqual(['tfjs/missing-weight', 'ghost']);
  });

  it('missing weightsManifest', () => {
    const json = clone(GRAPH_JSON);
    delete json.weightsManifest;
    const e = readError(() => readTfjsModel(writeModel(json)));
    expect([e.code, e.field, e.file]).toEqual(['tfjs/no-manifest', 'weightsManifest', 'model.json']);
  });

  it('unknown layer class_name: a typed error, nothing instantiated', () => {
    const json = clone(LAYERS_JSON);
    json.modelTopology.model_config.config.layers[2].class_name = 'Lambda';
    const e = readError(() => readTfjs(json, LAYERS_SHARD, { file: 'model.json' }));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect([e.code, e.node, e.field]).toEqual(['tfjs/unsupported-layer', 'conv_1', 'class_name']);
    json.modelTopology.model_config.config.layers[2].class_name = 'constructor';
    expect(readError(() => readTfjs(json, LAYERS_SHARD)).code).toBe('tfjs/unsupported-layer');
  });

  it('unknown graph op: a typed error naming op and node', () => {
    const json = clone(GRAPH_JSON);
    json.modelTopology.node.find((n: any) => n.name === 'MyConv2D_1').op = 'toString';
    const e = readError(() => readTfjs(json, SHARD, { file: 'model.json' }));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect([e.code, e.node, e.field]).toEqual(['tfjs/unsupported-op', 'MyConv2D_1', 'op']);
  });

  it('JSON nested 100,000 deep: a depth error, no stack overflow', () => {
    const deep = `{"modelTopology":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const e = readError(() => readTfjsModel(writeModel(deep)));
    expect([e.code, e.file]).toEqual(['tfjs/too-deep', 'model.json']);
  });

  it('a graph cycle and a dangling input', () => {
    const json = clone(GRAPH_JSON);
    json.modelTopology.node.find((n: any) => n.name === 'add').input = ['Conv2D', 'MyConv2D_1'];
    expect(readError(() => readTfjs(json, SHARD)).code).toBe('tfjs/cycle');
    json.modelTopology.node.find((n: any) => n.name === 'add').input = ['Conv2D', 'nowhere'];
    expect(readError(() => readTfjs(json, SHARD)).code).toBe('tfjs/dangling-input');
  });

  it('not JSON at all', () => {
    const e = readError(() => readTfjsModel(writeModel('{"format": "graph-model", ')));
    expect([e.code, e.file]).toEqual(['tfjs/bad-json', 'model.json']);
  });
});

// Issue 13: what a model folder claims is bounded by the bytes it holds, its files are regular files,
// and what the manifest says agrees with the graph.
describe('growth, special files and disagreeing dtypes (issue 13)', () => {
  it('a shard listed many times: refused before any is read twice', () => {
    const json = clone(GRAPH_JSON);
    json.weightsManifest[0].paths = Array.from({ length: 2000 }, () => 'group1-shard1of1');
    const e = readError(() => readTfjsModel(writeModel(json)));
    expect([e.code, e.field]).toEqual(['tfjs/repeated-shard', 'weightsManifest[0].paths[1]']);
  });

  it('inline constants that fill 2^20 elements from one stored value: bounded by the growth budget', () => {
    const json = clone(GRAPH_JSON);
    for (let i = 0; i < 8; i++) {
      json.modelTopology.node.push({
        name: `fill${i}`,
        op: 'Const',
        attr: {
          dtype: { type: 'DT_FLOAT' },
          value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '1048576' }] }, floatVal: [1] } },
        },
      });
    }
    // 8 x 4 MiB from a few KB of JSON; the allowance is lowered to keep the test small.
    const limits = resolveLimits({ growthAllowance: 2 ** 24 });
    const e = readError(() => readTfjsModel(writeModel(json), { resourceLimits: limits }));
    expect(e.code).toBe('io/growth-limit');
    expect(e.node).toMatch(/^fill\d$/);
  });

  it('a FIFO or a character device as model.json or as a shard: refused at once, never read', () => {
    execFileSync('mkfifo', [join(modelDir, 'model.json')]);
    expect(readError(() => readTfjsModel(join(modelDir, 'model.json'))).code).toBe('io/not-file');
    expect(readError(() => readTfjsModel('/dev/zero')).code).toBe('io/not-file');
    const other = join(tmp.path, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'model.json'), JSON.stringify(GRAPH_JSON));
    execFileSync('mkfifo', [join(other, 'group1-shard1of1')]);
    expect(readError(() => readTfjsModel(join(other, 'model.json'))).code).toBe('path/not-file');
  });

  it('export: a dim beyond int32 is refused, never truncated (2^32 + 4 was written as 4)', () => {
    const m = new Model();
    m.opsetImports.set('', 13);
    const x = m.graph.addInput('x', tensorType('float32', [1, 2 ** 32 + 4]));
    m.graph.setOutputs([m.graph.addNode({ opType: 'Relu', inputs: [x], outputs: ['y'] }).output()]);
    const e = readError(() => writeTfjs(m));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect([e.code, e.field]).toEqual(['tfjs/int-range', 'shape[1]']);
  });

  it('a manifest dtype that disagrees with its Const node', () => {
    const json = clone(GRAPH_JSON);
    json.weightsManifest[0].weights[0].dtype = 'int32'; // same byte size as float32
    const e = readError(() => readTfjsModel(writeModel(json)));
    expect([e.code, e.node, e.field]).toEqual(['tfjs/dtype-mismatch', 'Variable', 'attr.dtype']);
  });
});
