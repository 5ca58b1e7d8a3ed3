import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFingerprint } from './fingerprint.js';

const tmp = tempDir('enxuto-fingerprint-');
afterAll(() => tmp.cleanup());

describe('packageFingerprint', () => {
  it('changes when a file of the package changes, whatever its version says', () => {
    const dir = join(tmp.path, 'plugin');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"@acme/p","version":"1.0.0"}');
    writeFileSync(join(dir, 'dist', 'index.js'), 'export const limit = 1;\n');
    const before = packageFingerprint(dir);
    expect(packageFingerprint(dir)).toBe(before);
    writeFileSync(join(dir, 'dist', 'index.js'), 'export const limit = 2;\n');
    const edited = packageFingerprint(dir);
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'dist', 'extra.js'), '');
    expect(packageFingerprint(dir)).not.toBe(edited);
  });

  it("ignores the package's own node_modules", () => {
    const dir = join(tmp.path, 'with-deps');
    mkdirSync(join(dir, 'node_modules', 'zod'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{}');
    const before = packageFingerprint(dir);
    writeFileSync(join(dir, 'node_modules', 'zod', 'index.js'), 'x');
    expect(packageFingerprint(dir)).toBe(before);
  });
});
