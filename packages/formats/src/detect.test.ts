import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.js';
import { HEAD_BYTES } from './format.js';
import { modelProtoProblem } from './sniff-onnx.js';

const head = (p: string) => new Uint8Array(readFileSync(p)).subarray(0, HEAD_BYTES);

describe('detectFormat on real files', () => {
  const cases: [string[], string][] = [
    [['models', 'onnx-mnist-8', 'mnist.onnx'], 'onnx'],
    [['models', 'tflite-mnist-lstm', 'trained_lstm.tflite'], 'tflite'],
    [['models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite'], 'tflite'],
    [['models', 'tfjs-mnist-layers', 'model.json'], 'tfjs'],
    [['models', 'tfjs-mnist-graph', 'model.json'], 'tfjs'],
    [['conformance', 'onnx-backend', 'node', 'test_abs', 'model.onnx'], 'onnx'],
    [['conformance', 'onnx-backend', 'pytorch-converted', 'test_AvgPool1d', 'model.onnx'], 'onnx'],
  ];
  it.each(cases)('%j is %s by its signature, whatever its name', (parts, format) => {
    const p = sharedPath(...parts);
    expect(detectFormat(head(p), p)).toMatchObject({ format, match: { match: 'magic' } });
    expect(detectFormat(head(p), '/tmp/renamed.bin').format).toBe(format);
  });

  it('recognizes every ONNX file of a conformance sample as ONNX, and no TensorProto as a model', () => {
    const dir = sharedPath('conformance', 'onnx-backend', 'node');
    const tests = readdirSync(dir).filter((_, i) => i % 40 === 0);
    expect(tests.length).toBeGreaterThan(40);
    for (const t of tests) {
      expect(detectFormat(head(join(dir, t, 'model.onnx')), 'x').format).toBe('onnx');
      const tensor = head(join(dir, t, 'test_data_set_0', 'input_0.pb'));
      expect(modelProtoProblem(tensor)).toMatch(/./);
    }
  });
});

describe('detectFormat on other bytes', () => {
  it('falls back to the extension when the signature is absent', () => {
    expect(detectFormat(new Uint8Array([0xff, 0xff]), 'a.tflite')).toMatchObject({
      format: 'tflite',
      match: { match: 'extension' },
    });
    expect(detectFormat(new Uint8Array([0xff]), 'm.ONNX').format).toBe('onnx');
  });

  it('lists what every format said when nothing fits', () => {
    const f = () => detectFormat(new Uint8Array([0xff, 0x00, 0x13, 0x37, 0, 0, 0, 0, 0]), 'weights.bin');
    expect(f).toThrow(FormatError);
    try {
      f();
    } catch (e) {
      const err = e as FormatError;
      expect(err.code).toBe('format/unknown');
      expect(err.file).toBe('weights.bin');
      expect(err.message).toMatch(/tflite: no TFL3 identifier at byte 4/);
      expect(err.message).toMatch(/onnx: not an ONNX ModelProto/);
      expect(err.message).toMatch(/tfjs: not a JSON object/);
    }
  });

  it('says an empty file is empty', () => {
    expect(() => detectFormat(new Uint8Array(0), 'empty')).toThrow(/onnx: not an ONNX ModelProto \(empty file\)/);
  });

  it('does not take a JSON object without model keys for TF.js', () => {
    const json = new TextEncoder().encode('{"name": "x"}');
    expect(() => detectFormat(json, 'config')).toThrow(/without modelTopology/);
    expect(detectFormat(json, 'config.json').match.match).toBe('extension');
  });

  it('rejects implausible ir_version and foreign fields', () => {
    expect(modelProtoProblem(new Uint8Array([0x08, 0x07, 0x3a, 0x00]))).toBeUndefined();
    expect(modelProtoProblem(new Uint8Array([0x08, 0xe8, 0x07]))).toMatch(/ir_version 1000/);
    expect(modelProtoProblem(new Uint8Array([0x10, 0x01]))).toMatch(/wire type 0, ModelProto expects 2/);
    expect(modelProtoProblem(new Uint8Array([0x48, 0x01]))).toMatch(/field 9 is not a ModelProto field/);
  });
});
