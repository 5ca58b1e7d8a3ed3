// docs/pipelines.md's "Datasets" section is generated from the dataset schemas. After changing a
// schema, regenerate it: ENXUTO_UPDATE_DOCS=1 npx vitest run src/data/specs-markdown.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { datasetsMarkdown } from './specs-markdown.js';

const DOC = join(repoRoot, 'docs', 'pipelines.md');
const START = '<!-- datasets:start (generated from the dataset schemas; see specs-markdown.test.ts) -->\n';
const END = '<!-- datasets:end -->';

describe('docs/pipelines.md datasets section', () => {
  it('matches the dataset schemas', () => {
    const doc = readFileSync(DOC, 'utf8');
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect(from, `docs/pipelines.md lacks the marker ${START.trim()}`).toBeGreaterThan(0);
    const generated = `\n${datasetsMarkdown()}\n`;
    if (process.env.ENXUTO_UPDATE_DOCS === '1') {
      writeFileSync(DOC, doc.slice(0, from + START.length) + generated + doc.slice(to));
      return;
    }
    expect(
      doc.slice(from + START.length, to),
      'stale: ENXUTO_UPDATE_DOCS=1 npx vitest run src/data/specs-markdown.test.ts',
    ).toBe(generated);
  });

  it('documents every field of every dataset type, with defaults', () => {
    const md = datasetsMarkdown();
    for (const t of ['mnist', 'mnist-idx', 'image-folder', 'npy', 'random', 'preprocess'])
      expect(md).toContain(`### \`${t}\``);
    expect(md).toMatch(/^\| `scale` \| number \| `1` \| multiplies the values first/m);
    expect(md).toMatch(/^\| `images` \| string \| required \|/m);
    expect(md).toMatch(/^\| `resize` \| \[integer, integer\] \|/m);
  });
});
