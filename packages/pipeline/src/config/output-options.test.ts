// `outputs[i].options`: format write options in the pipeline file, passed to the format handler.
import { ConfigError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from './validate.js';

describe('output entry options', () => {
  it('accepts { path, format, options } and keeps the options as written', () => {
    const c = parsePipelineConfig({
      input: 'm.onnx',
      outputs: [
        'a.onnx',
        { path: 'b.tflite', options: { mode: 'int8' } },
        { path: 'c', format: 'tfjs', options: { quantize: 'uint8' } },
      ],
    });
    expect(c.outputs[1]).toEqual({ path: 'b.tflite', options: { mode: 'int8' } });
    expect(c.outputs[2]).toEqual({ path: 'c', format: 'tfjs', options: { quantize: 'uint8' } });
  });

  it('refuses options that are not a mapping, and keys the runner sets itself, naming the field', () => {
    for (const [options, field] of [
      ['int8', 'outputs.0'],
      [{ force: true }, 'outputs.0.options.force'],
      [{ inputs: [] }, 'outputs.0.options.inputs'],
    ] as const) {
      let err: unknown;
      try {
        parsePipelineConfig({ input: 'm.onnx', outputs: [{ path: 'b.tflite', options }] }, 'p.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field, JSON.stringify(options)).toContain(field);
    }
  });
});
