// examples/plugin-example is what `enxuto new-pass example/clamp-weights` writes: keep them equal,
// so the example in the repository always shows what plugin authors get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { passSource, passTest } from './templates.js';

const names = { pass: 'example/clamp-weights', packageName: '@enxuto/plugin-example', enxutoVersion: '^0.1.0' };
const example = (f: string) => readFileSync(join(repoRoot, 'examples', 'plugin-example', 'src', f), 'utf8');

describe('scaffold templates', () => {
  it('generate the source and test of examples/plugin-example', () => {
    expect(passSource(names)).toBe(example('index.ts'));
    expect(passTest(names)).toBe(example('index.test.ts'));
  });
});
