import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDir, sharedPath, tempDir } from './index.js';

describe('test-support', () => {
  it('finds the shared corpus and its reference model', () => {
    expect(existsSync(sharedDir())).toBe(true);
    expect(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx')).toMatch(/mnist\.onnx$/);
  });
  it('names the missing file', () => {
    expect(() => sharedPath('no-such-file')).toThrow(/shared file missing: .*no-such-file/);
  });
  it('makes and removes temp folders', () => {
    const t = tempDir();
    expect(existsSync(t.path)).toBe(true);
    t.cleanup();
    expect(existsSync(t.path)).toBe(false);
  });
});
