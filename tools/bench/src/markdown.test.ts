import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { replaceSection, writeBenchmarkSection } from './markdown.js';

describe('BENCHMARKS.md sections', () => {
  it('appends a missing section and replaces only its own on later runs', () => {
    const a = replaceSection('# Benchmarks\n', 'x', 'first');
    expect(a).toBe('# Benchmarks\n\n<!-- bench:x:begin -->\nfirst\n<!-- bench:x:end -->\n');
    const b = replaceSection(replaceSection(a, 'y', 'other'), 'x', 'second');
    expect(b).toContain('<!-- bench:x:begin -->\nsecond\n<!-- bench:x:end -->');
    expect(b).toContain('<!-- bench:y:begin -->\nother\n<!-- bench:y:end -->');
    expect(b).not.toContain('first');
  });

  it('creates the file with a title when it does not exist', () => {
    const tmp = tempDir();
    try {
      const f = join(tmp.path, 'B.md');
      writeBenchmarkSection('io', 'numbers', f);
      expect(readFileSync(f, 'utf8')).toMatch(
        /^# Benchmarks\n[\s\S]*<!-- bench:io:begin -->\nnumbers\n<!-- bench:io:end -->\n$/,
      );
    } finally {
      tmp.cleanup();
    }
  });
});
