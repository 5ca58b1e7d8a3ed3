import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@enxuto/ir';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { readTfliteFile, writeTfliteFile } from './node.js';

const lstm = sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm.tflite');
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('readTfliteFile / writeTfliteFile', () => {
  it('writes a file that reads back to the same graph, leaving no temporary file', () => {
    const dir = tempDir();
    cleanup = dir.cleanup;
    const model = readTfliteFile(lstm);
    const out = join(dir.path, 'copy.tflite');
    const n = writeTfliteFile(model, out);
    expect(readFileSync(out).length).toBe(n);
    expect(readTfliteFile(out).graph.nodes.map((x) => x.opType)).toEqual(model.graph.nodes.map((x) => x.opType));
    expect(readdirSync(dir.path)).toEqual(['copy.tflite']);
  });

  it('refuses to overwrite the file the model was read from', () => {
    const dir = tempDir();
    cleanup = dir.cleanup;
    const input = join(dir.path, 'in.tflite');
    copyFileSync(lstm, input);
    const model = readTfliteFile(input);
    expect(() => writeTfliteFile(model, input)).toThrow(ConfigError);
    expect(readFileSync(input).equals(readFileSync(lstm))).toBe(true);
  });

  it('names the file in the error for a bad or missing file', () => {
    const dir = tempDir();
    cleanup = dir.cleanup;
    const bad = join(dir.path, 'bad.tflite');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    expect(() => readTfliteFile(bad)).toThrow(expect.objectContaining({ file: bad, code: 'tflite/truncated' }));
    expect(() => readTfliteFile(join(dir.path, 'missing.tflite'))).toThrow(
      expect.objectContaining({ code: 'io/not-found', file: join(dir.path, 'missing.tflite') }),
    );
  });

  it('leaves nothing at the output path when writing fails', () => {
    const dir = tempDir();
    cleanup = dir.cleanup;
    const model = readTfliteFile(lstm);
    const node = model.graph.nodes[0]!;
    node.domain = 'ai.onnx.unknown';
    const out = join(dir.path, 'out.tflite');
    expect(() => writeTfliteFile(model, out)).toThrow(/lower it to the tflite domain/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.path)).toEqual([]);
  });
});
