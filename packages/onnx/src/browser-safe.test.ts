// The main entry must load in a browser: nothing it imports (transitively) may be Node-only.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

describe('browser-safe main entry', () => {
  it('imports only @enxuto/ir, @enxuto/io and protobufjs/light, never fs/path/node:*', () => {
    const { files, packages } = importGraph(join(here, 'index.ts'));
    expect([...packages].sort()).toEqual(['@enxuto/io', '@enxuto/ir', 'protobufjs/light.js']);
    expect([...files].some((f) => f.includes(`${join(here, 'node')}/`))).toBe(false);
    expect(files.size).toBeGreaterThan(15);
  });

  it('the node entry is the one that reaches the file system, through @enxuto/io/node only', () => {
    const { packages } = importGraph(join(here, 'node.ts'));
    expect(packages.has('@enxuto/io/node')).toBe(true);
    expect(packages.has('node:fs')).toBe(false);
  });
});
