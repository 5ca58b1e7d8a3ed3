// Files named in pass options (a sensitivity.json, a teacher model) are resolved against the
// pipeline's folder, confined to its roots, protected from its outputs and hashed into the step's
// cache key; a pass reads only the ones its options declare.
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { float32Tensor, type Model } from '@enxuto/ir';
import { definePass, loadSensitivity, sensitivityOption } from '@enxuto/pass';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pipelinePaths } from '../config/paths.js';
import { parsePipelineConfig, resolvePasses } from '../config/validate.js';
import { createRegistry } from '../registry.js';
import { runPipeline } from './run-pipeline.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-option-files-');
});
afterEach(() => dir.cleanup());

/** Multiplies every float32 weight by the `baseline` of a quantize sensitivity file. */
const scaleBySensitivity = definePass({
  name: 'scale-by-sensitivity',
  summary: "Multiply every float32 weight by a sensitivity file's baseline",
  options: z.strictObject({ sensitivity: sensitivityOption }),
  async run(model: Model, o, ctx) {
    const factor = o.sensitivity === undefined ? 1 : (await loadSensitivity(o.sensitivity, 'quantize', ctx)).baseline;
    for (const v of model.graph.initializers()) {
      if (v.const?.dtype !== 'float32') continue;
      const scaled = v.const.toFloat32().map((x) => x * factor);
      model.graph.setConst(v, float32Tensor([...v.const.shape], scaled));
    }
    return { model, changed: true, stats: { factor } };
  },
});

/** Reads a path it was given as a plain string option: not a declared file. */
const sneakyRead = definePass({
  name: 'sneaky-read',
  summary: 'Read a file through a string option that is not a fileOption',
  options: z.strictObject({ where: z.string() }),
  async run(model: Model, o, ctx) {
    await ctx.readFile(o.where, 'where');
    return { model, changed: false, stats: {} };
  },
});

const FIXED_TIME = 1_700_000_000;
/** A sensitivity file with one fixed mtime: an edit keeps size and mtime, only the bytes change. */
function writeSensitivity(file: string, baseline: number): void {
  const s = { schemaVersion: 1, method: 'quantize', metric: 'accuracy', baseline, options: {}, layers: [] };
  writeFileSync(file, JSON.stringify({ ...s, model: { path: 'mnist.onnx', sha256: '0' } }));
  utimesSync(file, FIXED_TIME, FIXED_TIME);
}

function writePipeline(pipeline: Record<string, unknown>, name = 'p.json'): string {
  const file = join(dir.path, 'project', name);
  mkdirSync(join(dir.path, 'project'), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
      outputs: ['out/model.onnx'],
      evaluation: { latencyRuns: 0 },
      ...pipeline,
    }),
  );
  return file;
}

const registry = createRegistry([scaleBySensitivity, sneakyRead]);

describe('files named in pass options', () => {
  it('are read relative to the pipeline folder, and a changed file misses the cache', async () => {
    const sens = join(dir.path, 'project', 'sens', 'sensitivity.json');
    mkdirSync(join(dir.path, 'project', 'sens'), { recursive: true });
    writeSensitivity(sens, 0.5);
    const file = writePipeline({
      passes: [{ type: 'scale-by-sensitivity', options: { sensitivity: 'sens/sensitivity.json' } }],
    });
    const opts = { registry, cacheDir: join(dir.path, 'cache') };
    const out = () => readFileSync(join(dir.path, 'project', 'out', 'model.onnx'));
    // The cwd is not the pipeline's folder: the path resolves against the folder.
    expect(existsSync(join(process.cwd(), 'sens', 'sensitivity.json'))).toBe(false);
    const first = await runPipeline(file, opts);
    expect(first.report.steps[0]).toMatchObject({ cached: false, stats: { factor: 0.5 } });
    const firstBytes = out();
    expect((await runPipeline(file, opts)).report.steps[0]).toMatchObject({ cached: true, stats: { factor: 0.5 } });

    writeSensitivity(sens, 0.25); // same size, same mtime, other content
    const changed = await runPipeline(file, opts);
    expect(changed.report.steps[0]).toMatchObject({ cached: false, stats: { factor: 0.25 } });
    expect(out().equals(firstBytes)).toBe(false);
  });

  it('may not leave the pipeline folder and its roots (.. and absolute paths)', async () => {
    const outside = join(dir.path, 'elsewhere');
    mkdirSync(outside);
    writeSensitivity(join(outside, 'sensitivity.json'), 0.5);
    const at = (sensitivity: string, roots: string[] = []) =>
      writePipeline({ roots, passes: [{ type: 'scale-by-sensitivity', options: { sensitivity } }] });
    for (const path of ['../elsewhere/sensitivity.json', join(outside, 'sensitivity.json')]) {
      await expect(runPipeline(at(path), { registry, cacheDir: false })).rejects.toMatchObject({
        code: 'path/outside-roots',
        field: 'passes.0.options.sensitivity',
      });
    }
    expect(existsSync(join(dir.path, 'project', 'out'))).toBe(false);
    // Declared under roots:, the same file is read.
    const ok = await runPipeline(at('../elsewhere/sensitivity.json', ['../elsewhere']), { registry, cacheDir: false });
    expect(ok.report.steps[0]!.stats).toEqual({ factor: 0.5 });
  });

  it('are protected: an output onto one is refused before any pass runs, cached or not', async () => {
    // A sensitivity file named like a model, so that an ONNX output may name it.
    const sens = join(dir.path, 'project', 'sens.onnx');
    mkdirSync(join(dir.path, 'project'), { recursive: true });
    writeSensitivity(sens, 0.5);
    const before = readFileSync(sens);
    const passes = [{ type: 'scale-by-sensitivity', options: { sensitivity: 'sens.onnx' } }];
    const opts = { registry, cacheDir: join(dir.path, 'cache'), force: true };
    await runPipeline(writePipeline({ passes }), opts); // fills the cache
    for (let i = 0; i < 2; i++) {
      await expect(runPipeline(writePipeline({ passes, outputs: ['sens.onnx'] }), opts)).rejects.toMatchObject({
        code: 'io/overwrite-input',
        field: 'outputs.0',
      });
    }
    expect(readFileSync(sens).equals(before)).toBe(true);
  });

  it('a pass reads no file its options do not declare', async () => {
    writeFileSync(join(dir.path, 'secret.txt'), 'secret');
    const file = writePipeline({ passes: [{ type: 'sneaky-read', options: { where: '../secret.txt' } }] });
    await expect(runPipeline(file, { registry, cacheDir: false })).rejects.toMatchObject({
      code: 'pass/undeclared-file',
      field: 'passes.0.options.where',
    });
  });

  it('are listed by pipelinePaths once the passes are resolved', () => {
    const config = parsePipelineConfig({
      input: 'm.onnx',
      passes: ['scale-by-sensitivity', { type: 'scale-by-sensitivity', options: { sensitivity: 's.json' } }],
      outputs: ['out.onnx'],
    });
    const paths = pipelinePaths(config, resolvePasses(config, registry));
    expect(paths).toContainEqual({ field: 'passes.1.options.sensitivity', path: 's.json', access: 'read' });
    expect(paths.filter((p) => p.field.startsWith('passes.'))).toHaveLength(1);
  });
});
