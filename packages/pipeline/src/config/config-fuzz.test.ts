// Property test of pipeline files (issue 13): random YAML text, and the docs' demo pipeline with one
// value anywhere replaced by another of any type, must parse and validate into a config or fail
// with a ConfigError naming a field; never a raw exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnxutoError } from '@enxuto/ir';
import { repoRoot } from '@enxuto/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYamlSafe } from './safe-yaml.js';
import { parsePipelineConfig } from './validate.js';

/** Parse and validate; a typed error is a fine answer, anything else is not. */
function typedOrConfig(raw: () => unknown): void {
  try {
    parsePipelineConfig(raw());
  } catch (e) {
    if (!isEnxutoError(e)) throw e;
    expect(e.code).toMatch(/^[a-z]+\/[a-z-]+$/);
  }
}

const seed = parseYamlSafe(readFileSync(join(repoRoot, 'examples', 'demo.pipeline.yaml'), 'utf8'));

function mutated(doc: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    paths.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(doc, []);
  const value = fc.oneof(
    fc.constantFrom(null, true, -1, 0, 1e308, Number.NaN, '', '../../etc/passwd', [], {}),
    fc.string({ maxLength: 16 }),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  );
  return fc.tuple(fc.constantFrom(...paths), value).map(([path, v]) => {
    if (path.length === 0) return v;
    const copy = structuredClone(doc) as Record<string | number, unknown>;
    let at = copy;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    at[path.at(-1)!] = v;
    return copy;
  });
}

describe('pipeline file property tests', () => {
  it('random YAML text gives a config or a typed error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => typedOrConfig(() => parseYamlSafe(text))),
      { numRuns: 300, seed: 1 },
    );
  });

  it('the demo pipeline with one value replaced gives a config or a typed error', () => {
    fc.assert(
      fc.property(mutated(seed), (doc) => typedOrConfig(() => doc)),
      { numRuns: 300, seed: 1 },
    );
  });
});
