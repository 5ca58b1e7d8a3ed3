import { ConfigError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePass, definePlugin, isValidPassName } from './define.js';
import { createRegistry } from './registry.js';

const noop = definePass({
  name: 'do-nothing',
  summary: 'Nothing',
  async run(model) {
    return { model, changed: false, stats: {} };
  },
});

describe('definePass', () => {
  it('accepts kebab-case and namespaced names only', () => {
    expect(isValidPassName('fold-batchnorm')).toBe(true);
    expect(isValidPassName('acme/prune-sparsegpt')).toBe(true);
    expect(isValidPassName('@acme/prune-x')).toBe(true);
    expect(isValidPassName('FoldBN')).toBe(false);
    expect(isValidPassName('../evil')).toBe(false);
    expect(isValidPassName('a/b/c')).toBe(false);
  });

  it('rejects a bad definition with a ConfigError naming the field', () => {
    const run = async (model: never) => ({ model, changed: false, stats: {} });
    expect(() => definePass({ name: 'Bad Name', summary: 's', run })).toThrow(ConfigError);
    try {
      definePass({ name: 'ok-name', summary: 'two\nlines', run });
    } catch (e) {
      expect((e as ConfigError).field).toBe('summary');
    }
    expect(() => definePass({ name: 'ok-name', summary: 's', options: z.string() as never, run })).toThrow(
      /zod object/,
    );
  });

  it('gives a pass without options an empty strict schema', () => {
    expect(noop.options.safeParse({}).success).toBe(true);
    expect(noop.options.safeParse({ x: 1 }).success).toBe(false);
    expect(noop.needs).toEqual([]);
  });
});

describe('registry', () => {
  it('maps names to definitions, sorted, with their source', () => {
    const other = definePass({
      name: 'acme/other-thing',
      summary: 'x',
      async run(model) {
        return { model, changed: false, stats: {} };
      },
    });
    const r = createRegistry([noop]).registerPlugin(definePlugin({ name: '@acme/plugin', passes: [other] }));
    expect(r.names()).toEqual(['acme/other-thing', 'do-nothing']);
    expect(r.get('do-nothing')).toBe(noop);
    expect(r.entry('acme/other-thing')!.source).toBe('@acme/plugin');
  });

  it('refuses un-namespaced plugin passes and duplicates', () => {
    expect(() => definePlugin({ name: 'p', passes: [noop] })).toThrow(/namespaced/);
    const dup = definePass({
      name: 'do-nothing',
      summary: 'again',
      async run(model) {
        return { model, changed: false, stats: {} };
      },
    });
    expect(() => createRegistry([noop, dup])).toThrow(/already registered/);
  });

  it('clones so plugins of one run do not leak into another', () => {
    const base = createRegistry([noop]);
    const copy = base.clone();
    copy.registerPlugin(
      definePlugin({
        name: 'x',
        passes: [
          definePass({
            name: 'x/y-z',
            summary: 's',
            async run(model) {
              return { model, changed: false, stats: {} };
            },
          }),
        ],
      }),
    );
    expect(base.has('x/y-z')).toBe(false);
    expect(copy.has('x/y-z')).toBe(true);
  });
});
