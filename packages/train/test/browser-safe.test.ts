// The main entry must stay browser-safe: nothing it reaches may import Node built-ins.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('module boundaries', () => {
  it('src/index.ts reaches no node: module, fs, path or worker_threads', () => {
    const graph = reachable(join(src, 'index.ts'));
    expect(graph.size).toBeGreaterThan(10);
    for (const [file, specs] of graph) {
      for (const s of specs)
        expect(s, `${file} imports ${s}`).not.toMatch(/^(node:|fs$|path$|os$|worker_threads$|module$)/);
    }
  });
  it('the Node entry is where the wasm lookup and checkpoint files live', () => {
    const graph = reachable(join(src, 'node.ts'));
    const imports = [...graph.values()].flat();
    expect(imports.filter((s) => s.startsWith('node:'))).toContain('node:module');
    // Checkpoint files go through the one file-safety layer (atomic writes, checked reads).
    expect(imports).toContain('@enxuto/io/node');
  });
});
