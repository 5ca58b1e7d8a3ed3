// `outputs[i].options`: format write options in the pipeline file, checked against the format's
// schema (@enxuto/formats' table) when the file is validated, before any pass runs.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Model } from '@enxuto/ir';
import { definePass } from '@enxuto/pass';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { runPipeline } from '../runner/run-pipeline.js';
import { parsePipelineConfig } from './validate.js';

/** What parsing the file throws (a rejected promise, so `rejects` can match it). */
const parsed = async (raw: Record<string, unknown>, file?: string) => parsePipelineConfig(raw, file);

describe('output entry options', () => {
  it('accepts { path, format, options } and keeps the options as written', () => {
    const c = parsePipelineConfig({
      input: 'm.onnx',
      outputs: [
        'a.onnx',
        { path: 'b.tflite', options: { mode: 'int8', sparseWeights: 'never' } },
        { path: 'c', format: 'tfjs', options: { quantize: 'uint8' } },
        { path: 'd.onnx', options: { externalData: { location: 'd.data', threshold: 0 } } },
      ],
    });
    expect(c.outputs[1]).toEqual({ path: 'b.tflite', options: { mode: 'int8', sparseWeights: 'never' } });
    expect(c.outputs[2]).toEqual({ path: 'c', format: 'tfjs', options: { quantize: 'uint8' } });
  });

  it('refuses options that are not a mapping, and keys the runner sets itself, naming the field', async () => {
    for (const [options, field] of [
      ['int8', 'outputs.0'],
      [{ force: true }, 'outputs.0.options.force'],
      [{ inputs: [] }, 'outputs.0.options.inputs'],
    ] as const) {
      const run = parsed({ input: 'm.onnx', outputs: [{ path: 'b.tflite', options }] }, 'p.yaml');
      await expect(run, JSON.stringify(options)).rejects.toBeInstanceOf(ConfigError);
      await expect(run, JSON.stringify(options)).rejects.toMatchObject({ field: expect.stringContaining(field) });
    }
  });

  it("checks each option against its format's schema, naming outputs.N.options.x", async () => {
    for (const [output, code, field] of [
      [{ path: 'b.tflite', options: { mdoe: 'int8' } }, 'format/unknown-option', 'outputs.1.options.mdoe'],
      [{ path: 'b.tflite', options: { mode: 8 } }, 'format/bad-option', 'outputs.1.options.mode'],
      [{ path: 'b.tflite', options: { mode: 'int4' } }, 'format/bad-option', 'outputs.1.options.mode'],
      // the format named, not the extension, decides whose options these are
      [
        { path: 'b.tflite', format: 'onnx', options: { mode: 'int8' } },
        'format/unknown-option',
        'outputs.1.options.mode',
      ],
      [{ path: 'c', options: { quantize: 'int3' } }, 'format/bad-option', 'outputs.1.options.quantize'],
      [
        { path: 'd.onnx', options: { externalData: { location: 'd.data', threshold: 'big' } } },
        'format/bad-option',
        'outputs.1.options.externalData.threshold',
      ],
      [
        { path: 'd.onnx', options: { externalData: { location: 'd.data', where: 'x' } } },
        'format/unknown-option',
        'outputs.1.options.externalData.where',
      ],
    ] as const) {
      const run = parsed({ input: 'm.onnx', outputs: ['a.onnx', output] }, 'p.yaml');
      await expect(run, JSON.stringify(output)).rejects.toBeInstanceOf(ConfigError);
      await expect(run, JSON.stringify(output)).rejects.toMatchObject({
        code,
        field,
        file: 'p.yaml',
        message: expect.stringContaining(field),
      });
    }
    await expect(parsed({ input: 'm.onnx', outputs: [{ path: 'b.tflite', options: { mdoe: 1 } }] })).rejects.toThrow(
      /tflite takes mode, inputLayout, sparseWeights/,
    );
  });

  it('a bad output option fails the run before any pass runs, and nothing is written', async () => {
    const dir = tempDir('enxuto-output-options-');
    afterAll(() => dir.cleanup());
    let passRan = false;
    const spy = definePass({
      name: 'spy-pass',
      summary: 'records that it ran',
      async run(model: Model) {
        passRan = true;
        return { model, changed: false, stats: {} };
      },
    });
    const file = join(dir.path, 'p.json');
    writeFileSync(
      file,
      JSON.stringify({
        input: sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'),
        passes: ['spy-pass'],
        outputs: ['out/m.onnx', { path: 'out/m.tflite', options: { mode: 'int8', inputLayout: 'NWHC' } }],
      }),
    );
    const err = await runPipeline(file, { registry: createRegistry([spy]), cacheDir: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('outputs.1.options.inputLayout');
    expect(passRan).toBe(false);
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });
});
