// External data on disk: BAD_INPUTS 1-8 through readOnnxFile, lazy loading, and the write path.
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  EnxutoError,
  FormatError,
  Graph,
  LazyTensor,
  Model,
  float32Tensor,
  tensorFromBytes,
  type Tensor,
} from '@enxuto/ir';
import { tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelWithInitializer } from '../../test/proto-builders.js';
import { readOnnxFile, writeOnnxFile } from '../node.js';

let tmp: { path: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('enxuto-onnx-ext-');
});
afterEach(() => tmp.cleanup());

function errorOf(fn: () => unknown): EnxutoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EnxutoError);
    return e as EnxutoError;
  }
  throw new Error('expected an error');
}

const floats = (n: number, seed = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * seed));

/** A model file in `dir` whose initializer t (float32[4]) reads external data with these entries. */
function externalModel(dir: string, entries: [string, string][], name = 'm.onnx'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    modelWithInitializer({
      dims: [4],
      dataType: 1,
      dataLocation: 1,
      externalData: entries.map(([key, value]) => ({ key, value })),
    }),
  );
  return path;
}

function sampleModel(): Model {
  const g = new Graph('g');
  const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: ['N', 16384] });
  const big = g.addInitializer('big', float32Tensor([16384], floats(16384)));
  const small = g.addInitializer('small', float32Tensor([4], [1, 2, 3, 4]));
  const mid = g.addInitializer('mid', float32Tensor([300], floats(300, 2)));
  const a = g.addNode({ opType: 'Add', inputs: [x, big], outputs: ['a'] });
  const b = g.addNode({ opType: 'Mul', inputs: [a.output(), mid], outputs: ['b'] });
  const c = g.addNode({ opType: 'Sub', inputs: [b.output(), small], outputs: ['c'] });
  g.setOutputs([c.output()]);
  return new Model(g);
}

const bytesOf = (t: Tensor) => Array.from(t.bytes());

describe('writeOnnxFile / readOnnxFile with external data', () => {
  it('round-trips, lazily, with page-aligned big tensors and no temp files left', () => {
    const model = sampleModel();
    const out = join(tmp.path, 'out', 'm.onnx');
    writeOnnxFile(model, out, { externalData: { location: 'm.onnx.data', threshold: 1024 } });
    expect(readdirSync(join(tmp.path, 'out')).sort()).toEqual(['m.onnx', 'm.onnx.data']);
    // big (65536 B) at 0, mid (1200 B) 64-aligned after it; small (16 B) stays inline
    expect(statSync(join(tmp.path, 'out', 'm.onnx.data')).size).toBe(65536 + 1200);
    expect(statSync(out).size).toBeLessThan(1024);

    const back = readOnnxFile(out);
    const big = back.graph.value('big')!.const!;
    expect(big).toBeInstanceOf(LazyTensor);
    expect(big.isLazy).toBe(true);
    expect((big as LazyTensor).source).toEqual({
      path: realpathSync(join(tmp.path, 'out', 'm.onnx.data')),
      offset: 0,
      length: 65536,
    });
    expect((back.graph.value('mid')!.const! as LazyTensor).source!.offset).toBe(65536);
    expect(bytesOf(big)).toEqual(bytesOf(model.graph.value('big')!.const!));
    expect(big.isLazy).toBe(false);
    expect(back.graph.value('small')!.const!.isLazy).toBe(false);
  });

  it('copies external regions to a new data file without loading them, or inlines them', () => {
    writeOnnxFile(sampleModel(), join(tmp.path, 'a', 'm.onnx'), {
      externalData: { location: 'w/data.bin', threshold: 1024 },
    });
    const lazy = readOnnxFile(join(tmp.path, 'a', 'm.onnx'));
    writeOnnxFile(lazy, join(tmp.path, 'b', 'm.onnx'), { externalData: { location: 'd.bin', threshold: 1024 } });
    expect(lazy.graph.value('big')!.const!.isLazy).toBe(true); // copied file-to-file
    const copy = readOnnxFile(join(tmp.path, 'b', 'm.onnx'));
    expect(bytesOf(copy.graph.value('big')!.const!)).toEqual(bytesOf(sampleModel().graph.value('big')!.const!));

    writeOnnxFile(lazy, join(tmp.path, 'c', 'm.onnx'));
    expect(readdirSync(join(tmp.path, 'c'))).toEqual(['m.onnx']);
    const inline = readOnnxFile(join(tmp.path, 'c', 'm.onnx'));
    expect(inline.graph.value('mid')!.const!.isLazy).toBe(false);
    expect(bytesOf(inline.graph.value('mid')!.const!)).toEqual(bytesOf(sampleModel().graph.value('mid')!.const!));
  });

  it('refuses to overwrite the model it read or the data file it still reads', () => {
    const path = join(tmp.path, 'm.onnx');
    writeOnnxFile(sampleModel(), path, { externalData: { location: 'm.data', threshold: 1024 } });
    const before = readFileSync(path);
    const model = readOnnxFile(path);
    const e1 = errorOf(() => writeOnnxFile(model, path));
    expect(e1).toBeInstanceOf(ConfigError);
    expect(e1.code).toBe('onnx/overwrite-input');
    const e2 = errorOf(() =>
      writeOnnxFile(model, join(tmp.path, 'other.onnx'), { externalData: { location: 'm.data', threshold: 1024 } }),
    );
    expect(e2.code).toBe('onnx/overwrite-input');
    expect(
      errorOf(() => writeOnnxFile(sampleModel(), `${path}2`, { externalData: { location: 'm.onnx2', threshold: 1 } }))
        .code,
    ).toBe('onnx/overwrite-input');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(join(tmp.path, 'other.onnx'))).toBe(false);
  });

  it('a failed write leaves nothing at the final path', () => {
    const g = new Graph('g');
    const broken = new LazyTensor('float32', [1024], () => {
      throw new FormatError('disk gone', { code: 'test/broken' });
    });
    g.setOutputs([g.addInitializer('w', broken)]);
    const out = join(tmp.path, 'fail', 'm.onnx');
    expect(errorOf(() => writeOnnxFile(new Model(g), out)).code).toBe('test/broken');
    expect(existsSync(join(tmp.path, 'fail'))).toBe(false); // the folder it created is gone too
  });

  it('writes are atomic replacements of an existing output', () => {
    const out = join(tmp.path, 'm.onnx');
    writeFileSync(out, 'old');
    writeOnnxFile(sampleModel(), out);
    expect(readOnnxFile(out).graph.nodes.length).toBe(3);
    expect(readdirSync(tmp.path)).toEqual(['m.onnx']);
  });
});

describe('hostile external data (BAD_INPUTS 1-8)', () => {
  const cases: { name: string; entries: [string, string][]; code: string }[] = [
    { name: '../../etc/passwd', entries: [['location', '../../etc/passwd']], code: 'onnx/external-location' },
    { name: 'w/../../x', entries: [['location', 'w/../../x']], code: 'onnx/external-location' },
    { name: './a/../../x', entries: [['location', './a/../../x']], code: 'onnx/external-location' },
    { name: 'absolute /etc/passwd', entries: [['location', '/etc/passwd']], code: 'onnx/external-location' },
    { name: '//x', entries: [['location', '//x']], code: 'onnx/external-location' },
    { name: 'C:\\x', entries: [['location', 'C:\\x']], code: 'onnx/external-location' },
    { name: '\\\\srv\\x', entries: [['location', '\\\\srv\\x']], code: 'onnx/external-location' },
    { name: 'file:x', entries: [['location', 'file:x']], code: 'onnx/external-location' },
    { name: 'http://x', entries: [['location', 'http://x']], code: 'onnx/external-location' },
    { name: 'empty location', entries: [['location', '']], code: 'onnx/external-location' },
    { name: '. location', entries: [['location', '.']], code: 'onnx/external-location' },
    { name: 'missing file', entries: [['location', 'nope.bin']], code: 'onnx/external-missing' },
    { name: 'a directory', entries: [['location', 'sub']], code: 'onnx/external-not-file' },
    {
      name: '*/_ORT_MEM_ADDR_/*',
      entries: [
        ['location', '*/_ORT_MEM_ADDR_/*'],
        ['offset', '140737488355328'],
      ],
      code: 'onnx/external-location',
    },
    { name: '#address', entries: [['location', '#140737488355328']], code: 'onnx/external-location' },
    {
      name: 'negative offset',
      entries: [
        ['location', 'd.bin'],
        ['offset', '-16'],
      ],
      code: 'onnx/external-number',
    },
    {
      name: 'hex offset',
      entries: [
        ['location', 'd.bin'],
        ['offset', '0x10'],
      ],
      code: 'onnx/external-number',
    },
    {
      name: 'non-numeric length',
      entries: [
        ['location', 'd.bin'],
        ['length', 'sixteen'],
      ],
      code: 'onnx/external-number',
    },
    {
      name: 'offset above 2^53',
      entries: [
        ['location', 'd.bin'],
        ['offset', '9007199254740993'],
      ],
      code: 'onnx/external-number',
    },
    {
      name: 'length differs from dims x dtype',
      entries: [
        ['location', 'd.bin'],
        ['length', '8'],
      ],
      code: 'onnx/size-mismatch',
    },
    {
      name: 'offset + length past EOF',
      entries: [
        ['location', 'd.bin'],
        ['offset', '20'],
      ],
      code: 'onnx/external-range',
    },
    {
      name: 'offset near 2^53 (no wrap)',
      entries: [
        ['location', 'd.bin'],
        ['offset', '9007199254740990'],
        ['length', '16'],
      ],
      code: 'onnx/external-range',
    },
    {
      name: '__proto__ key',
      entries: [
        ['location', 'd.bin'],
        ['__proto__', 'x'],
      ],
      code: 'onnx/external-key',
    },
    {
      name: 'constructor key',
      entries: [
        ['location', 'd.bin'],
        ['constructor', 'x'],
      ],
      code: 'onnx/external-key',
    },
    {
      name: 'unknown key',
      entries: [
        ['location', 'd.bin'],
        ['basepath', '/etc'],
      ],
      code: 'onnx/external-key',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      writeFileSync(join(tmp.path, 'd.bin'), new Uint8Array(32));
      mkdirSync(join(tmp.path, 'sub'));
      const path = externalModel(tmp.path, c.entries);
      const e = errorOf(() => readOnnxFile(path));
      expect(e).toBeInstanceOf(FormatError);
      expect(e.code).toBe(c.code);
      expect(e.value).toBe('t');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
  }

  it('a location that is a symlink to a file outside the model folder', () => {
    const outside = tempDir('enxuto-outside-');
    try {
      writeFileSync(join(outside.path, 'secret'), new Uint8Array(16));
      const dir = join(tmp.path, 'model');
      mkdirSync(dir);
      symlinkSync(join(outside.path, 'secret'), join(dir, 'd.bin'));
      expect(errorOf(() => readOnnxFile(externalModel(dir, [['location', 'd.bin']]))).code).toBe(
        'onnx/external-escape',
      );
      // a parent folder that is a symlink pointing outside
      symlinkSync(outside.path, join(dir, 'linked'));
      expect(errorOf(() => readOnnxFile(externalModel(dir, [['location', 'linked/secret']]))).code).toBe(
        'onnx/external-escape',
      );
    } finally {
      outside.cleanup();
    }
  });

  it('a symlink that stays inside the model folder is followed', () => {
    writeFileSync(join(tmp.path, 'real.bin'), Float32Array.from([1, 2, 3, 4]));
    symlinkSync('real.bin', join(tmp.path, 'd.bin'));
    const t = readOnnxFile(externalModel(tmp.path, [['location', 'd.bin']])).graph.value('t')!.const!;
    expect(Array.from(t.toFloat32())).toEqual([1, 2, 3, 4]);
  });

  it('a hardlinked data file is refused unless allowed', () => {
    writeFileSync(join(tmp.path, 'orig.bin'), Float32Array.from([5, 6, 7, 8]));
    linkSync(join(tmp.path, 'orig.bin'), join(tmp.path, 'd.bin'));
    const path = externalModel(tmp.path, [['location', 'd.bin']]);
    expect(errorOf(() => readOnnxFile(path)).code).toBe('onnx/external-hardlink');
    expect(Array.from(readOnnxFile(path, { allowHardlinks: true }).graph.value('t')!.const!.toFloat32())).toEqual([
      5, 6, 7, 8,
    ]);
  });

  it('a data file that shrinks after reading is caught when the bytes load', () => {
    writeFileSync(join(tmp.path, 'd.bin'), new Uint8Array(16));
    const t = readOnnxFile(externalModel(tmp.path, [['location', 'd.bin']])).graph.value('t')!.const!;
    writeFileSync(join(tmp.path, 'd.bin'), new Uint8Array(8));
    expect(errorOf(() => t.bytes()).code).toBe('onnx/external-changed');
  });

  it('readOnnxFile names the file for unreadable inputs', () => {
    expect(errorOf(() => readOnnxFile(join(tmp.path, 'missing.onnx'))).code).toBe('io/not-found');
    expect(errorOf(() => readOnnxFile(tmp.path)).code).toBe('io/is-folder');
    writeFileSync(join(tmp.path, 'empty.onnx'), '');
    const e = errorOf(() => readOnnxFile(join(tmp.path, 'empty.onnx')));
    expect([e.code, e.file, e.offset]).toEqual(['onnx/empty', join(tmp.path, 'empty.onnx'), 0]);
  });
});

describe('tensor bytes', () => {
  it('in-memory tensors are written as views, not copies', async () => {
    const { writeOnnx } = await import('../index.js');
    const data = new Uint8Array(1 << 20).fill(7);
    const g = new Graph('g');
    g.setOutputs([g.addInitializer('w', tensorFromBytes('uint8', [1 << 20], data))]);
    const chunks = writeOnnx(new Model(g));
    expect(chunks.some((c) => c === data)).toBe(true);
  });
});
