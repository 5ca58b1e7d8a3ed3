// The main entry must stay browser-safe: no node: modules, no /node entries, no TF.js at run time.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

describe('main entry', () => {
  it('reaches only browser-safe modules', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const stack = [join(here, 'index.ts')];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of importsOf(f)) {
        if (spec.startsWith('.')) stack.push(join(dirname(f), spec.replace(/\.js$/, '.ts')));
        else external.add(spec);
      }
    }
    expect(seen.size).toBeGreaterThan(15);
    expect([...external].sort()).toEqual(['@enxuto/io', '@enxuto/ir', '@enxuto/transforms']);
  });
});
