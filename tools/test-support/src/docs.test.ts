// docs/troubleshooting.md names error codes in brackets ([`plugin/not-found`]); each must be a code
// some package really throws, so the page cannot drift from the errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './index.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('node_modules'))
    .map((f) => join(dir, f));
}

describe('docs/troubleshooting.md', () => {
  it('names only error codes the packages throw', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'troubleshooting.md'), 'utf8');
    const codes = [...doc.matchAll(/\[`([a-z]+\/[a-z-]+)`\]/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(8);
    const code = readdirSync(join(repoRoot, 'packages'))
      .flatMap((p) => sources(join(repoRoot, 'packages', p, 'src')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const c of codes) expect(code, c).toContain(`'${c}'`);
  });
});
