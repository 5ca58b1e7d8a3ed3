// The runner end to end on the real onnx-mnist-8 model and MNIST test digits.
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError, ConfigError, EnxutoError } from '@enxuto/ir';
import { readOnnxFile, writeOnnxFile } from '@enxuto/onnx/node';
import { sharedDir, sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { addNoise, blockingPass, scaleWeights } from '../test-passes.js';
import { GateError, runPipeline } from './run-pipeline.js';

const registry = createRegistry([scaleWeights, addNoise]);
let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-run-');
});
afterEach(() => dir.cleanup());

const evaluation = () => ({
  type: 'mnist-idx',
  images: sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz'),
  labels: sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz'),
  count: 200,
  preprocess: { scale: 255, shape: [1, 1, 28, 28] },
});

function pipeline(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
    roots: [sharedDir()],
    seed: 1,
    data: { evaluation: evaluation() },
    passes: [{ type: 'add-noise', options: { amount: 1e-4 } }],
    outputs: ['out/model.onnx'],
    report: 'out/report',
    evaluation: { latencyRuns: 3 },
    ...extra,
  };
}

function writePipeline(name: string, config: Record<string, unknown>): string {
  const file = join(dir.path, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('runPipeline', () => {
  it('runs passes, evaluates before and after, writes the model and report.json', async () => {
    const file = writePipeline('p.json', pipeline({ gates: [{ metric: 'accuracy', maxDrop: 0.01 }] }));
    const { report, reportFiles } = await runPipeline(file, { registry, cacheDir: false });
    expect(report.status).toBe('ok');
    expect(report.metrics.before!.accuracy).toBeGreaterThan(0.95);
    expect(report.metrics.before!.samples).toBe(200);
    expect(report.metrics.after!.agreement).toBeGreaterThan(0.99);
    expect(report.metrics.after!.maxAbsError).toBeGreaterThan(0);
    expect(report.metrics.after!.cosine).toBeGreaterThan(0.999);
    expect(report.metrics.before!.latencyP50Ms).toBeGreaterThan(0);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({
      pass: 'add-noise',
      source: 'builtin',
      changed: true,
      cached: false,
      options: { amount: 1e-4 },
    });
    expect(report.gates[0]).toMatchObject({ metric: 'accuracy', passed: true });
    const out = join(dir.path, 'out', 'model.onnx');
    expect(report.outputs).toEqual([{ path: out, format: 'onnx', bytes: readFileSync(out).byteLength }]);
    const json = JSON.parse(readFileSync(join(dir.path, 'out', 'report', 'report.json'), 'utf8'));
    expect(json.schemaVersion).toBe(1);
    expect(json.metrics.before.accuracy).toBe(report.metrics.before!.accuracy);
    expect(reportFiles.map((f) => f.split('/').pop())).toEqual(['report.json', 'report.html']);
  });

  it('gives byte-identical outputs for the same seed, different ones for another seed', async () => {
    const a = await runPipeline(writePipeline('a.json', pipeline({ outputs: ['a/m.onnx'], report: undefined })), {
      registry,
      cacheDir: false,
    });
    await runPipeline(writePipeline('b.json', pipeline({ outputs: ['b/m.onnx'], report: undefined })), {
      registry,
      cacheDir: false,
    });
    await runPipeline(writePipeline('c.json', pipeline({ outputs: ['c/m.onnx'], report: undefined, seed: 2 })), {
      registry,
      cacheDir: false,
    });
    const bytes = (p: string) => readFileSync(join(dir.path, p));
    expect(a.report.status).toBe('ok');
    expect(bytes('a/m.onnx').equals(bytes('b/m.onnx'))).toBe(true);
    expect(bytes('a/m.onnx').equals(bytes('c/m.onnx'))).toBe(false);
  });

  it('resumes from the pass cache with the same bytes', async () => {
    const cacheDir = join(dir.path, 'cache');
    const first = await runPipeline(writePipeline('p.json', pipeline({ outputs: ['x/m.onnx'] })), {
      registry,
      cacheDir,
    });
    const second = await runPipeline(writePipeline('q.json', pipeline({ outputs: ['y/m.onnx'] })), {
      registry,
      cacheDir,
    });
    expect(first.report.steps[0]!.cached).toBe(false);
    expect(second.report.steps[0]!.cached).toBe(true);
    expect(readFileSync(join(dir.path, 'x/m.onnx')).equals(readFileSync(join(dir.path, 'y/m.onnx')))).toBe(true);
    // A changed option is a different key: no hit.
    const third = await runPipeline(
      writePipeline(
        'r.json',
        pipeline({ outputs: ['z/m.onnx'], passes: [{ type: 'add-noise', options: { amount: 2e-4 } }] }),
      ),
      { registry, cacheDir },
    );
    expect(third.report.steps[0]!.cached).toBe(false);
  });

  it('a failed gate exits with GateError and writes no model', async () => {
    const file = writePipeline(
      'p.json',
      pipeline({
        passes: [{ type: 'scale-weights', options: { factor: 0 } }],
        gates: [{ metric: 'accuracy', maxDrop: 0.005 }],
      }),
    );
    const err = await runPipeline(file, { registry, cacheDir: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateError);
    expect((err as GateError).message).toMatch(/accuracy dropped by/);
    expect(existsSync(join(dir.path, 'out', 'model.onnx'))).toBe(false);
    const json = JSON.parse(readFileSync(join(dir.path, 'out', 'report', 'report.json'), 'utf8'));
    expect(json.status).toBe('gate-failed');
    expect(json.outputs).toEqual([]);
  });

  it('stops on abort and leaves no file at the output path', async () => {
    const controller = new AbortController();
    const wait = blockingPass(() => setTimeout(() => controller.abort(), 10));
    const file = writePipeline(
      'p.json',
      pipeline({ passes: ['wait-forever'], data: {}, evaluation: { latencyRuns: 0 } }),
    );
    const err = await runPipeline(file, {
      registry: createRegistry([wait]),
      cacheDir: false,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });
});

describe('runPipeline refuses bad outputs before work starts (case 36)', () => {
  const refused = async (config: Record<string, unknown>, code: string, opts = {}) => {
    const err = await runPipeline(writePipeline('p.json', config), { registry, cacheDir: false, ...opts }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe(code);
    expect((err as ConfigError).field).toMatch(/^outputs\.0/);
    return err as ConfigError;
  };

  it('output path == input path', async () => {
    const model = join(dir.path, 'm.onnx');
    writeFileSync(model, readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')));
    await refused(pipeline({ input: 'm.onnx', outputs: ['./m.onnx'], passes: [] }), 'io/overwrite-input');
    expect(readFileSync(model).equals(readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')))).toBe(true);
  });

  it('output reaching the input through a symlinked folder', async () => {
    mkdirSync(join(dir.path, 'models'));
    writeFileSync(join(dir.path, 'models', 'm.onnx'), readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')));
    symlinkSync(join(dir.path, 'models'), join(dir.path, 'link'));
    await refused(pipeline({ input: 'models/m.onnx', outputs: ['link/m.onnx'], passes: [] }), 'io/overwrite-input');
  });

  it('an output that cannot be created, found before the first output is written (issue 13)', async () => {
    writeFileSync(join(dir.path, 'plain-file'), 'x');
    const config = pipeline({ outputs: ['a/m.onnx', 'plain-file/m.onnx'] });
    const err = await runPipeline(writePipeline('p.json', config), { registry, cacheDir: false }).catch(
      (e: unknown) => e,
    );
    expect([(err as EnxutoError).code, (err as EnxutoError).field]).toEqual(['io/not-folder', 'outputs.1']);
    expect(existsSync(join(dir.path, 'a'))).toBe(false);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });

  it('Ctrl-C in the write phase: the run stops and no output or report appears (issue 13)', async () => {
    const controller = new AbortController();
    let writes = 0;
    const progress = {
      begin: (label: string) => {
        if (label.startsWith('writing') && ++writes === 2) controller.abort();
      },
      update() {},
      end() {},
    };
    const config = pipeline({ outputs: ['a/m.onnx', 'b/m.onnx'], data: {}, evaluation: { latencyRuns: 0 } });
    const err = await runPipeline(writePipeline('p.json', config), {
      registry,
      cacheDir: false,
      signal: controller.signal,
      progress,
    }).catch((e: unknown) => e);
    expect(writes).toBe(2);
    expect(err).toBeInstanceOf(AbortedError);
    expect(readdirSync(dir.path).sort()).toEqual(['p.json']);
  });

  it('a non-empty output folder without --force', async () => {
    mkdirSync(join(dir.path, 'tfjs'));
    writeFileSync(join(dir.path, 'tfjs', 'keep.txt'), 'x');
    await refused(pipeline({ outputs: [{ path: 'tfjs', format: 'tfjs' }] }), 'io/non-empty-folder');
    expect(readdirSync(join(dir.path, 'tfjs'))).toEqual(['keep.txt']);
  });
});

describe('the input and its external data are never overwritten, on any run, cached or not', () => {
  // The input's weights live in models/m.data; every write that could land on it is refused, also
  // on the second run, when the pass output comes from the cache and no pass runs.
  const setUp = (location: string) => {
    mkdirSync(join(dir.path, 'models'));
    const src = readOnnxFile(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
    writeOnnxFile(src, join(dir.path, 'models', 'm.onnx'), { externalData: { location } });
    return readFileSync(join(dir.path, 'models', location));
  };
  const twice = async (config: Record<string, unknown>, cacheDir: string) => {
    const codes: string[] = [];
    for (let run = 0; run < 2; run++) {
      const err = await runPipeline(writePipeline('p.json', config), { registry, cacheDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnxutoError);
      codes.push((err as EnxutoError).code);
    }
    return codes;
  };

  it("an output's externalData.location on the input's data file", async () => {
    const data = setUp('m.data');
    const cacheDir = join(dir.path, 'cache');
    // A first, successful run fills the cache, so the refused runs below are served from it.
    await runPipeline(writePipeline('p.json', pipeline({ input: 'models/m.onnx', outputs: ['ok/m.onnx'] })), {
      registry,
      cacheDir,
    });
    const bad = pipeline({
      input: 'models/m.onnx',
      outputs: [{ path: 'models/copy.onnx', options: { externalData: { location: 'm.data' } } }],
    });
    expect(await twice(bad, cacheDir)).toEqual(['io/overwrite-input', 'io/overwrite-input']);
    expect(readFileSync(join(dir.path, 'models', 'm.data')).equals(data)).toBe(true);
    expect(existsSync(join(dir.path, 'models', 'copy.onnx'))).toBe(false);
  });

  it("a report folder holding the input's data file under a report name", async () => {
    const data = setUp('report.json');
    const cacheDir = join(dir.path, 'cache');
    const bad = pipeline({ input: 'models/m.onnx', outputs: ['out/m.onnx'], report: 'models' });
    expect(await twice(bad, cacheDir)).toEqual(['io/overwrite-input', 'io/overwrite-input']);
    expect(readFileSync(join(dir.path, 'models', 'report.json')).equals(data)).toBe(true);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });

  it('an output on a dataset file, and a cache folder that is a symlink', async () => {
    const images = join(dir.path, 'img.gz');
    writeFileSync(images, readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')));
    const data = { evaluation: { ...evaluation(), images: 'img.gz' } };
    const err = await runPipeline(
      writePipeline('p.json', pipeline({ data, outputs: [{ path: 'img.gz', format: 'onnx' }] })),
      {
        registry,
        cacheDir: false,
      },
    ).catch((e: unknown) => e);
    expect((err as EnxutoError).code).toBe('io/overwrite-input');
    expect(readFileSync(images).equals(readFileSync(sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz')))).toBe(
      true,
    );
    mkdirSync(join(dir.path, 'elsewhere'));
    symlinkSync(join(dir.path, 'elsewhere'), join(dir.path, 'cache-link'));
    const linked = await runPipeline(writePipeline('q.json', pipeline()), {
      registry,
      cacheDir: join(dir.path, 'cache-link'),
    }).catch((e: unknown) => e);
    expect(linked).toBeInstanceOf(EnxutoError);
    expect((linked as EnxutoError).field).toBe('cacheDir');
    expect(readdirSync(join(dir.path, 'elsewhere'))).toEqual([]);
  });
});
