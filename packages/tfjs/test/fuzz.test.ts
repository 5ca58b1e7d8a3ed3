// 2,000 seeded mutations of the real model.json files (JSON-level: drop, replace, duplicate keys and
// values) and of their shards (byte flips, truncation, extension). Every outcome is a model or an
// EnxutoError; whatever reads is also written back. The test's timeout bounds the total time.
import { readFileSync } from 'node:fs';
import { EnxutoError, mulberry32 } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { readTfjs, writeTfjs } from '../src/index.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };

const REPLACEMENTS: J[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  '',
  'NaN',
  '__proto__',
  'constructor',
  '../x',
  [],
  {},
  [[[[]]]],
  { __proto__: 1 } as unknown as J,
  'x'.repeat(5000),
  [-1, -1],
  ['1', '2'],
  'DT_FLOAT',
  'uint8',
];

/** Every container in the tree with its keys, for picking a mutation site. */
function sites(root: J): { holder: J[] | { [k: string]: J }; key: string | number }[] {
  const out: { holder: J[] | { [k: string]: J }; key: string | number }[] = [];
  const stack: J[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v))
      v.forEach((c, i) => {
        out.push({ holder: v, key: i });
        stack.push(c);
      });
    else if (v && typeof v === 'object')
      for (const k of Object.keys(v)) {
        out.push({ holder: v, key: k });
        stack.push(v[k]!);
      }
  }
  return out;
}

function mutateJson(json: J, r: () => number): J {
  const copy = JSON.parse(JSON.stringify(json)) as J;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const all = sites(copy);
    const site = all[Math.floor(r() * all.length)]!;
    const h = site.holder as Record<string | number, J>;
    const op = Math.floor(r() * 4);
    if (op === 0) {
      if (Array.isArray(site.holder)) site.holder.splice(site.key as number, 1);
      else delete h[site.key];
    } else if (op === 1) {
      h[site.key] = JSON.parse(JSON.stringify(REPLACEMENTS[Math.floor(r() * REPLACEMENTS.length)]!));
    } else if (op === 2) {
      // Duplicate: the value again under another key / next to itself, or another site's value here.
      if (Array.isArray(site.holder))
        site.holder.splice(site.key as number, 0, JSON.parse(JSON.stringify(site.holder[site.key as number]!)));
      else {
        const other = all[Math.floor(r() * all.length)]!;
        h[site.key] = JSON.parse(JSON.stringify((other.holder as Record<string | number, J>)[other.key] ?? null));
      }
    } else {
      const v = h[site.key];
      if (typeof v === 'number') h[site.key] = [v * -1, v + 1, v * 1e9, 0.5][Math.floor(r() * 4)]!;
      else if (typeof v === 'string') h[site.key] = v.slice(0, Math.floor(r() * v.length)) + (r() < 0.5 ? '' : '/../');
      else h[site.key] = null;
    }
  }
  return copy;
}

function mutateBytes(bytes: Uint8Array, r: () => number): Uint8Array {
  const kind = Math.floor(r() * 3);
  if (kind === 0) {
    const out = bytes.slice();
    const flips = 1 + Math.floor(r() * 16);
    for (let i = 0; i < flips; i++) out[Math.floor(r() * out.length)] ^= 1 << Math.floor(r() * 8);
    return out;
  }
  if (kind === 1) return bytes.slice(0, Math.floor(r() * bytes.length));
  const out = new Uint8Array(bytes.length + 1 + Math.floor(r() * 64));
  out.set(bytes);
  return out;
}

const MODELS = ['tfjs-mnist-graph', 'tfjs-mnist-layers'].map((name) => ({
  name,
  json: JSON.parse(readFileSync(sharedPath('models', name, 'model.json'), 'utf8')) as J,
  shard: new Uint8Array(readFileSync(sharedPath('models', name, 'group1-shard1of1'))),
}));

describe('fuzzing the TF.js reader and writer', () => {
  it('2,000 mutations: zero uncaught exceptions, every failure an EnxutoError', () => {
    const r = mulberry32(20261127);
    const outcomes = new Map<string, number>();
    const uncaught: string[] = [];
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    for (let i = 0; i < 2000; i++) {
      const m = MODELS[i % 2]!;
      const mutateJsonSide = i % 4 < 2;
      const json = mutateJsonSide ? mutateJson(m.json, r) : m.json;
      const bytes = mutateJsonSide ? m.shard : mutateBytes(m.shard, r);
      const guard = (prefix: string, f: () => void) => {
        try {
          f();
          return true;
        } catch (e) {
          if (e instanceof EnxutoError) count(`${prefix}${e.code}`);
          else uncaught.push(`#${i} ${m.name}: ${(e as Error)?.stack ?? String(e)}`);
          return false;
        }
      };
      let model: ReturnType<typeof readTfjs> | undefined;
      // A quarter of the JSON mutations go through the text parser too.
      const text = mutateJsonSide && i % 8 === 0;
      if (
        guard(
          '',
          () => (model = readTfjs(text ? JSON.stringify(json) : (json as object), bytes, { file: 'model.json' })),
        )
      ) {
        count('read');
        if (guard('write:', () => writeTfjs(model!, { quantize: i % 3 === 0 ? 'uint8' : undefined }))) count('written');
      }
    }
    expect(uncaught.slice(0, 5)).toEqual([]);
    const total = [...outcomes]
      .filter(([k]) => k !== 'written' && !k.startsWith('write:'))
      .reduce((s, [, v]) => s + v, 0);
    expect(total).toBe(2000);
    // The corpus exercises both sides: valid-but-changed models and many distinct errors.
    expect(outcomes.get('read')).toBeGreaterThan(300);
    expect(outcomes.get('tfjs/shard-size')).toBeGreaterThan(100);
    expect([...outcomes.keys()].length).toBeGreaterThan(10);
  }, 60_000);
});
