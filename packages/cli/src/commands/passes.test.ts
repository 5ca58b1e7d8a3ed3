import { readFileSync } from 'node:fs';
import { repoRoot } from '@enxuto/test-support';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile, resolvePasses } from '@enxuto/pipeline/node';
import { BUILTIN_PASSES, builtinRegistry } from '../builtin-passes.js';
import { listPasses, passesMarkdown } from './passes.js';

describe('the pass registry drives the docs', () => {
  it('docs/passes.md is generated from the registry and lists every pass', () => {
    const committed = readFileSync(join(repoRoot, 'docs', 'passes.md'), 'utf8');
    // Names only: option wording may change between regenerations without failing other packages.
    // Regenerate with: npx enxuto passes --markdown > docs/passes.md
    const documented = [...committed.matchAll(/^## `([^`]+)`$/gm)].map((m) => m[1]);
    expect(documented, 'docs/passes.md is stale: run `enxuto passes --markdown > docs/passes.md`').toEqual(
      builtinRegistry().names(),
    );
    const generated = passesMarkdown(listPasses(builtinRegistry()));
    expect(generated.split('\n').slice(0, 3)).toEqual(committed.split('\n').slice(0, 3));
    expect(generated).toMatch(/^\| `maxElements` \| integer \| `1048576` \| largest folded tensor/m);
  });

  it('lists every pass of the passes-* packages once', () => {
    const names = builtinRegistry().names();
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(BUILTIN_PASSES.length);
    expect(names).toEqual(
      expect.arrayContaining(['fold-batchnorm', 'fold-constants', 'eliminate-dead-code', 'eliminate-identity']),
    );
    expect(names.every((n) => !n.includes('/'))).toBe(true);
  });

  it('examples/demo.pipeline.yaml validates against the built-in passes', () => {
    const loaded = loadPipelineFile(join(repoRoot, 'examples', 'demo.pipeline.yaml'));
    const passes = resolvePasses(loaded.config, builtinRegistry(), loaded.file);
    expect(passes.map((p) => p.name)).toEqual([
      'fold-batchnorm',
      'eliminate-identity',
      'distill',
      'prune-magnitude',
      'quantize-static',
    ]);
    expect(loaded.config.data.training).toMatchObject({ type: 'mnist', split: 'train' });
    expect(loaded.config.gates.map((g) => g.metric)).toEqual(['accuracy', 'agreement']);
    expect(loaded.config.data.evaluation).toMatchObject({ type: 'mnist', split: 'validation' });
  });
});
