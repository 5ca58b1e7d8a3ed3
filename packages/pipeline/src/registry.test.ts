import { describe, expect, it } from 'vitest';
import { definePass, definePlugin } from '@enxuto/pass';
import { createRegistry } from './registry.js';

const noop = definePass({
  name: 'do-nothing',
  summary: 'Nothing',
  async run(model) {
    return { model, changed: false, stats: {} };
  },
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
