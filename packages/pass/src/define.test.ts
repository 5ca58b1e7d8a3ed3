import { ConfigError, Graph, Model, tensorType } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePass, definePlugin, isValidPassName } from './define.js';
import type { PassDefinition } from './types.js';

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

describe('PassDefinition', () => {
  it('takes passes with different options into one list without casts, and keeps option types', async () => {
    const scale = definePass({
      name: 'acme/scale-weights',
      summary: 'Scale weights',
      options: z.strictObject({ factor: z.number().default(2).describe('multiplier') }),
      inPlace: false,
      async run(model, options) {
        const factor: number = options.factor;
        return { model, changed: factor !== 1, stats: { factor } };
      },
    });
    const list: PassDefinition[] = [noop, scale];
    expect(list.map((p) => [p.name, p.inPlace])).toEqual([
      ['do-nothing', true],
      ['acme/scale-weights', false],
    ]);
    const g = new Graph('g');
    g.setOutputs([g.addInput('x', tensorType('float32', [1]))]);
    const r = await scale.run(new Model(g), scale.options.parse({}), undefined as never);
    expect(r.stats).toEqual({ factor: 2 });
  });

  it('refuses a non-boolean inPlace', () => {
    const run = async (model: never) => ({ model, changed: false, stats: {} });
    expect(() => definePass({ name: 'ok-name', summary: 's', inPlace: 'yes' as never, run })).toThrowError(
      expect.objectContaining({ field: 'inPlace' }),
    );
  });

  it('plugins namespace their passes', () => {
    expect(() => definePlugin({ name: 'p', passes: [noop] })).toThrow(/namespaced/);
  });
});
