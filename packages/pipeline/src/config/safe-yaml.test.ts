// BAD_INPUTS case 33: YAML tags, alias bombs and `<<` merges into __proto__.
import { ConfigError } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { parseJsonSafe, parseYamlSafe } from './safe-yaml.js';

function rejects(text: string, code: string, field?: string): void {
  let err: unknown;
  try {
    parseYamlSafe(text, 'p.yaml');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).code).toBe(code);
  expect((err as ConfigError).file).toBe('p.yaml');
  if (field !== undefined) expect((err as ConfigError).field).toBe(field);
}

describe('parseYamlSafe (case 33)', () => {
  it('parses plain pipeline YAML with the core schema', () => {
    expect(parseYamlSafe('input: m.onnx\nseed: 3\npasses: [fold-batchnorm]\nflag: yes\n')).toEqual({
      input: 'm.onnx',
      seed: 3,
      passes: ['fold-batchnorm'],
      flag: 'yes', // core schema: yes is a string, not a YAML 1.1 boolean
    });
  });

  it('rejects !!js/function and other custom tags', () => {
    rejects('input: !!js/function "function () { return 1 }"', 'config/yaml-tag');
    rejects('input: !custom thing', 'config/yaml-tag');
  });

  it('rejects an alias bomb before expanding it', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]']
      .concat(
        ['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefg'[i]}`).join(',')}]`),
      )
      .join('\n');
    rejects(bomb, 'config/yaml-aliases');
  });

  it('rejects __proto__ keys and << merges, leaving Object.prototype clean', () => {
    rejects('__proto__: { polluted: 1 }', 'config/forbidden-key', '__proto__');
    rejects('base: &b { __proto__: { polluted: 1 } }\nother:\n  <<: *b\n', 'config/forbidden-key', 'base.__proto__');
    rejects('base: &b { x: 1 }\nother:\n  <<: *b\n', 'config/forbidden-key', 'other.<<');
    rejects('data: { constructor: { prototype: { polluted: 1 } } }', 'config/forbidden-key', 'data.constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects duplicate keys, syntax errors and deep nesting with a typed error', () => {
    rejects('a: 1\na: 2\n', 'config/duplicate-key');
    rejects('a: [1, 2', 'config/yaml-syntax');
    rejects(`${'['.repeat(100_000)}`, 'config/yaml-syntax');
    rejects(`a: ${'['.repeat(100)}1${']'.repeat(100)}`, 'config/too-deep');
  });

  it('tells to quote an unquoted scoped plugin name', () => {
    rejects('plugins: [@acme/x]\n', 'config/yaml-syntax');
    expect(() => parseYamlSafe('plugins: [@acme/x]\n')).toThrow(
      /reserved character @ \(quote it: plugins: \['@acme\/x'\]\)/,
    );
    expect(parseYamlSafe("plugins: ['@acme/x']\n")).toEqual({ plugins: ['@acme/x'] });
  });

  it('refuses too many nodes in linear time (120k keys in 1 MiB), and counts exactly below the limit', () => {
    const keys = (n: number) => `x:\n${Array.from({ length: n }, (_, i) => ` ${i.toString(36)}: 1`).join('\n')}\n`;
    const huge = keys(120_000);
    expect(huge.length).toBeLessThan(1 << 20);
    rejects(huge, 'config/too-many-nodes');
    expect(() => parseYamlSafe(keys(60), 'p.yaml', 200)).not.toThrow();
    expect(() => parseYamlSafe(keys(60), 'p.yaml', 100)).toThrow(/maxConfigNodes/);
    expect(() => parseJsonSafe(JSON.stringify({ a: Array(200).fill(1) }), 'p.json', 100)).toThrow(/maxConfigNodes/);
  });

  it('applies the same key rules to JSON, and never quotes the text in a syntax error', () => {
    expect(() => parseJsonSafe('root:x:0:0:root:/root:/bin/bash', 'p.json')).toThrow(/^invalid JSON: an unexpected/);
    expect(() => parseJsonSafe('root:x:0:0:root:/root:/bin/bash', 'p.json')).not.toThrow(/bash/);
    expect(() => parseJsonSafe('{"__proto__": {"polluted": 1}}', 'p.json')).toThrow(/not allowed/);
    expect(() => parseJsonSafe('{"a": ', 'p.json')).toThrow(ConfigError);
    expect(parseJsonSafe('{"input": "m.onnx"}')).toEqual({ input: 'm.onnx' });
  });
});
