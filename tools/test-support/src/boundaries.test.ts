// The dependency rules of DESIGN.md, checked on the source: `ir` imports nothing, `pass` imports
// only `ir` and zod, passes never import the runner, format packages never import passes or the
// pipeline, and the main entry of every browser-safe package reaches no Node-only module (those sit
// behind the `/node` entry).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './index.js';

const packagesDir = join(repoRoot, 'packages');
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(importRe)].map((m) => m[1] ?? m[2]!).filter(Boolean);
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/test/'))
    .map((f) => join(dir, f));
}

/** Files reachable through relative imports from an entry file. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f) || !existsSync(f)) continue;
    seen.add(f);
    for (const spec of importsOf(f)) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

const NODE_ONLY = /^(node:|fs$|path$|os$|child_process$|worker_threads$|onnxruntime-node$)/;
const BROWSER_SAFE = [
  'ir',
  'pass',
  'io',
  'transforms',
  'onnx',
  'tfjs',
  'tflite',
  'formats',
  'runtime',
  'passes-graph',
  'passes-quantize',
  'hf',
];
const FORMAT_PACKAGES = ['onnx', 'tfjs', 'tflite', 'io'];

describe('package boundaries', () => {
  it('ir imports no other package', () => {
    for (const f of sourceFiles(join(packagesDir, 'ir', 'src'))) {
      expect(
        importsOf(f).filter((s) => !s.startsWith('.')),
        f,
      ).toEqual([]);
    }
  });

  it('pass imports only ir and zod, and depends on nothing else', () => {
    for (const f of sourceFiles(join(packagesDir, 'pass', 'src'))) {
      const bad = importsOf(f).filter((s) => !s.startsWith('.') && s !== '@enxuto/ir' && s !== 'zod');
      expect(bad, f).toEqual([]);
    }
    const j = JSON.parse(readFileSync(join(packagesDir, 'pass', 'package.json'), 'utf8'));
    expect(Object.keys(j.dependencies ?? {}).sort()).toEqual(['@enxuto/ir', 'zod']);
    expect(j.peerDependencies ?? {}).toEqual({});
  });

  it('passes are written against @enxuto/pass, never the runner, the runtimes or the CLI', () => {
    for (const p of packages.filter((p) => p.startsWith('passes-'))) {
      for (const f of sourceFiles(join(packagesDir, p, 'src'))) {
        const bad = importsOf(f).filter((s) => /^(@enxuto\/(pipeline|runtime|cli)|onnxruntime-)/.test(s));
        expect(bad, f).toEqual([]);
      }
    }
  });

  it('format packages never import passes, the pipeline, training or the CLI', () => {
    for (const p of FORMAT_PACKAGES.filter((p) => packages.includes(p))) {
      for (const f of sourceFiles(join(packagesDir, p, 'src'))) {
        const bad = importsOf(f).filter((s) => /^@enxuto\/(pass|passes-|pipeline|train|cli|runtime)/.test(s));
        expect(bad, f).toEqual([]);
      }
    }
  });

  it('main entries of browser-safe packages reach no Node-only module', () => {
    for (const p of BROWSER_SAFE.filter((p) => packages.includes(p))) {
      for (const f of reachable(join(packagesDir, p, 'src', 'index.ts'))) {
        const bad = importsOf(f).filter((s) => NODE_ONLY.test(s) || /^@enxuto\/[^/]+\/node$/.test(s));
        expect(bad, f).toEqual([]);
      }
    }
  });

  it('workspace dependencies form no cycle', () => {
    const deps = new Map<string, string[]>();
    for (const p of packages) {
      const j = JSON.parse(readFileSync(join(packagesDir, p, 'package.json'), 'utf8'));
      deps.set(
        j.name,
        Object.keys(j.dependencies ?? {}).filter((d) => d.startsWith('@enxuto/')),
      );
    }
    const state = new Map<string, number>();
    const visit = (n: string, path: string[]): void => {
      if (state.get(n) === 2) return;
      expect(state.get(n), `cycle: ${[...path, n].join(' -> ')}`).not.toBe(1);
      state.set(n, 1);
      for (const d of deps.get(n) ?? []) visit(d, [...path, n]);
      state.set(n, 2);
    };
    for (const n of deps.keys()) visit(n, []);
    expect(deps.size).toBeGreaterThan(5);
  });
});
