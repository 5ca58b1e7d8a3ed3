// Every pipeline shown in the docs (a ```yaml block with an `input:`) is a valid pipeline file whose
// built-in passes and options exist: the docs cannot drift from the schema. Plugin passes
// (namespaced) are left to their plugins.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipelineConfig, parsePipelineText, resolvePasses } from '@enxuto/pipeline/node';
import { repoRoot } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from './builtin-passes.js';

const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);
const pipelines = docs.flatMap((doc) =>
  [...readFileSync(join(repoRoot, doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m, i) => [`${doc} yaml block ${i + 1}`, m[1]!] as const)
    .filter(([, text]) => /^input:/m.test(text)),
);

describe('pipelines in the docs', () => {
  it('are found (README.md and docs/pipelines.md show one each)', () => {
    expect(pipelines.map(([where]) => where.split(' ')[0])).toEqual(
      expect.arrayContaining(['README.md', 'docs/pipelines.md']),
    );
  });

  it.each(pipelines)('%s is a valid pipeline', (where, text) => {
    const config = parsePipelineConfig(parsePipelineText(text, 'example.yaml'), where);
    const builtin = {
      ...config,
      passes: config.passes.filter((p) => !(typeof p === 'string' ? p : p.type).includes('/')),
    };
    expect(resolvePasses(builtin, builtinRegistry(), where).length).toBeGreaterThan(0);
  });
});
