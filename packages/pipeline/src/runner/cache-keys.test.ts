// The pass cache never returns an old output: changed calibration data, or a plugin edited without
// a version bump, run the step again; an unchanged pipeline resumes from the cache.
import { mkdirSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32Tensor, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { repoRoot, sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { npyBytes } from '../data/npy-fixture.js';
import { createRegistry } from '../registry.js';
import type { CheckedFile } from '@enxuto/io/node';
import { stepKey } from './cache.js';
import { runKey } from './cache-key.js';
import { CodeIdentity } from './code-identity.js';
import { ContentHasher } from './content-hash.js';
import { runPipeline } from './run-pipeline.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-cache-keys-');
});
afterEach(() => dir.cleanup());

const FIXED_TIME = 1_700_000_000;
/** Writes a file with one fixed mtime: an edit of the same size then keeps size and mtime. */
function writeFixedTime(file: string, bytes: Uint8Array | string): void {
  writeFileSync(file, bytes);
  utimesSync(file, FIXED_TIME, FIXED_TIME);
}

const SAMPLE = 28 * 28;
function calibration(first: number): Uint8Array {
  const values = new Float32Array(2 * SAMPLE).fill(0.5);
  values[0] = first;
  return npyBytes('<f4', [2, 1, 28, 28], values);
}

/** Scales every float32 weight by the first value of the first calibration sample. */
const scaleByData = definePass({
  name: 'scale-by-data',
  summary: 'Multiply every float32 weight by the first calibration value',
  needs: ['data'],
  async run(model: Model, _options, ctx) {
    const factor = ctx.dataset('calibration').sample(0).input[0]!;
    for (const v of model.graph.initializers()) {
      if (v.const?.dtype !== 'float32') continue;
      model.graph.setConst(
        v,
        float32Tensor(
          [...v.const.shape],
          v.const.toFloat32().map((x) => x * factor),
        ),
      );
    }
    return { model, changed: true, stats: { factor } };
  },
});

describe('cache keys', () => {
  it('change with the step before, the options, the seed, the data content and the pass code', () => {
    const cal = join(dir.path, 'cal.npy');
    writeFixedTime(cal, calibration(0.5));
    const pkg = join(dir.path, 'pkg');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0' }));
    writeFixedTime(join(pkg, 'index.js'), 'export const k = 1;');
    const store = join(dir.path, 'cache', 'file-hashes.json');
    const file = { path: cal } as CheckedFile;
    const key = (previous: string, options: unknown, seed = 0) => {
      const hasher = new ContentHasher(store);
      const first = runKey(
        {
          model: previous,
          input: {},
          data: { calibration: { spec: { type: 'npy', data: 'cal.npy' }, files: [file] } },
          outputs: [],
          enxuto: '0.1.0',
          runtime: 'ort-node',
        },
        hasher,
      );
      return stepKey(first, 'p', new CodeIdentity(hasher).of(pkg), options, seed);
    };
    const k = key('prev', { a: 1, b: 2 });
    expect(key('prev', { b: 2, a: 1 })).toBe(k);
    expect(key('prev', { a: 1, b: 3 })).not.toBe(k);
    expect(key('other', { a: 1, b: 2 })).not.toBe(k);
    expect(key('prev', { a: 1, b: 2 }, 1)).not.toBe(k);
    // Tests of the package do not change what it computes.
    writeFileSync(join(pkg, 'index.test.js'), 'test');
    expect(key('prev', { a: 1, b: 2 })).toBe(k);
    // Same size, same mtime, other bytes: a different key.
    writeFixedTime(join(pkg, 'index.js'), 'export const k = 2;');
    const edited = key('prev', { a: 1, b: 2 });
    expect(edited).not.toBe(k);
    writeFixedTime(cal, calibration(0.25));
    expect(key('prev', { a: 1, b: 2 })).not.toBe(edited);
  });

  it('a changed calibration file runs the step again and gives the new output', async () => {
    const cal = join(dir.path, 'cal.npy');
    writeFixedTime(cal, calibration(0.5));
    const file = join(dir.path, 'p.json');
    writeFileSync(
      file,
      JSON.stringify({
        input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
        data: { calibration: { type: 'npy', data: 'cal.npy' } },
        passes: ['scale-by-data'],
        outputs: ['out/model.onnx'],
        evaluation: { latencyRuns: 0 },
      }),
    );
    const opts = { registry: createRegistry([scaleByData]), cacheDir: join(dir.path, 'cache') };
    const out = () => readFileSync(join(dir.path, 'out', 'model.onnx'));
    const first = await runPipeline(file, opts);
    const firstBytes = out();
    const again = await runPipeline(file, opts);
    expect(again.report.steps[0]).toMatchObject({ cached: true, stats: { factor: 0.5 } });
    expect(out().equals(firstBytes)).toBe(true);

    writeFixedTime(cal, calibration(0.25)); // same size, same mtime
    const changed = await runPipeline(file, opts);
    expect(first.report.steps[0]!.stats).toEqual({ factor: 0.5 });
    expect(changed.report.steps[0]).toMatchObject({ cached: false, stats: { factor: 0.25 } });
    const changedBytes = out();
    expect(changedBytes.equals(firstBytes)).toBe(false);
    await runPipeline(file, { ...opts, cacheDir: false });
    expect(out().equals(changedBytes)).toBe(true);
  });

  it('a plugin edited without a version bump runs again and gives the new output', async () => {
    const project = join(dir.path, 'project');
    const plugin = join(project, 'node_modules', '@acme', 'enxuto-tag');
    mkdirSync(plugin, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', private: true }));
    symlinkSync(realpathSync(join(repoRoot, 'node_modules', 'zod')), join(project, 'node_modules', 'zod'));
    writeFileSync(
      join(plugin, 'package.json'),
      JSON.stringify({ name: '@acme/enxuto-tag', version: '1.0.0', type: 'module', main: 'index.js' }),
    );
    // The pass writes the text of its own tag.json into the model: editing the plugin's files
    // changes the output even within this process (which keeps the module it imported).
    const code = `import { readFileSync } from 'node:fs';
import { z } from 'zod';
const tag = () => readFileSync(new URL('./tag.json', import.meta.url), 'utf8');
export const plugin = {
  name: '@acme/enxuto-tag',
  passes: [{
    name: 'acme/tag-model',
    summary: 'writes tag.json into the model metadata',
    options: z.strictObject({}),
    needs: [],
    inPlace: true,
    async run(model) {
      model.metadata.set('acme.tag', tag());
      return { model, changed: true, stats: { tag: tag() } };
    },
  }],
};
`;
    writeFixedTime(join(plugin, 'index.js'), code);
    writeFixedTime(join(plugin, 'tag.json'), '"v1"');
    const file = join(project, 'p.json');
    writeFileSync(
      file,
      JSON.stringify({
        input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
        plugins: ['@acme/enxuto-tag'],
        passes: ['acme/tag-model'],
        outputs: ['out/model.onnx'],
        evaluation: { latencyRuns: 0 },
      }),
    );
    const opts = { registry: createRegistry(), cacheDir: join(dir.path, 'cache') };
    const out = () => readFileSync(join(project, 'out', 'model.onnx'), 'latin1');
    await runPipeline(file, opts);
    expect(out()).toContain('"v1"');
    expect((await runPipeline(file, opts)).report.steps[0]!.cached).toBe(true);

    writeFixedTime(join(plugin, 'tag.json'), '"v2"'); // same size, same mtime, same version
    const edited = await runPipeline(file, opts);
    expect(edited.report.steps[0]).toMatchObject({ cached: false, stats: { tag: '"v2"' } });
    expect(out()).toContain('"v2"');
    expect(out()).not.toContain('"v1"');

    writeFixedTime(join(plugin, 'index.js'), code.replace('writes tag.json', 'copies tag.json'));
    expect((await runPipeline(file, opts)).report.steps[0]!.cached).toBe(false);
  });
});
