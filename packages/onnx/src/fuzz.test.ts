// Seeded mutation fuzzing of real models: byte flips, truncations, insertions and edits of real
// length prefixes. Every failure must be a typed EnxutoError (never a RangeError, stack overflow or
// the 'onnx/internal' wrapper that marks an unexpected exception), and a model that does read must
// also write and read back.
import { readFileSync } from 'node:fs';
import { EnxutoError, checkModel } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { featureRichModel } from '../test/sample-models.js';
import { rng, varint } from '../test/wire-builders.js';
import { readOnnx } from './read/read-model.js';
import { buildMessageTable, type MessageTable } from './wire/field-tables.js';
import { ModelProtoType } from './schema/root.js';
import { writeOnnxBytes } from './write/write-model.js';

const seeds: Uint8Array[] = [
  readFileSync(sharedPath('models/onnx-mnist-8/mnist.onnx')),
  ...[
    'test_if',
    'test_loop11',
    'test_if_seq',
    'test_constant',
    'test_range_float_type_positive_delta_expanded',
    'test_cast_FLOAT_to_FLOAT8E4M3FN',
    'test_optional_get_element_sequence',
  ].map((t) => readFileSync(sharedPath('conformance/onnx-backend/node', t, 'model.onnx'))),
  writeOnnxBytes(featureRichModel()),
].map((b) => new Uint8Array(b));

/** Offsets of the length prefixes of (valid) submessages and bytes fields, found with the schema. */
function lengthPrefixes(
  bytes: Uint8Array,
  table: MessageTable,
  start = 0,
  end = bytes.length,
  out: number[] = [],
): number[] {
  const r = protobuf.Reader.create(bytes);
  r.pos = start;
  while (r.pos < end) {
    const tag = r.uint32();
    const wire = tag & 7;
    const spec = table.fields.get(tag >>> 3);
    if (wire !== 2) {
      r.skipType(wire);
      continue;
    }
    const at = r.pos;
    const len = r.uint32();
    out.push(at);
    if (spec?.kind === 'message') lengthPrefixes(bytes, spec.table, r.pos, r.pos + len, out);
    r.pos += len;
  }
  return out;
}

const modelTable = buildMessageTable(ModelProtoType);

function mutate(src: Uint8Array, rand: () => number, prefixes: number[]): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  const b = Uint8Array.from(src);
  switch (pick(5)) {
    case 0: {
      // flip 1-4 random bits
      for (let k = 1 + pick(4); k > 0; k--) b[pick(b.length)]! ^= 1 << pick(8);
      return b;
    }
    case 1: // truncate
      return b.subarray(0, pick(b.length));
    case 2: {
      // insert random bytes
      const at = pick(b.length + 1);
      const ins = Uint8Array.from({ length: 1 + pick(8) }, () => pick(256));
      return Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
    }
    case 3: {
      // overwrite a run with random bytes
      const at = pick(b.length);
      for (let k = 0; k < 1 + pick(16) && at + k < b.length; k++) b[at + k] = pick(256);
      return b;
    }
    default: {
      // replace a real length prefix with another length (small, off by one, huge)
      const at = prefixes[pick(prefixes.length)]!;
      let end = at;
      while (b[end]! & 0x80) end++;
      const old = src.subarray(at, end + 1).reduce((v, x, i) => v + (x & 0x7f) * 128 ** i, 0);
      const choices = [0, old + 1, Math.max(0, old - 1), old * 2 + 7, 2 ** 31, 2 ** 32 + old, 2 ** 62];
      const len = varint(BigInt(choices[pick(choices.length)]!));
      return Uint8Array.from([...b.subarray(0, at), ...len, ...b.subarray(end + 1)]);
    }
  }
}

describe('fuzzing readOnnx with mutated real models', () => {
  it('2,000 mutations: only typed errors, and models that read also write and re-read', () => {
    const rand = rng(20240601);
    const prefixes = seeds.map((s) => lengthPrefixes(s, modelTable));
    const outcomes = new Map<string, number>();
    const untyped: string[] = [];
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    for (let i = 0; i < 2000; i++) {
      const s = i % seeds.length;
      const input = mutate(seeds[s]!, rand, prefixes[s]!);
      try {
        const model = readOnnx(input, { file: `case${i}.onnx` });
        count('read');
        try {
          checkModel(model);
        } catch (e) {
          if (!(e instanceof EnxutoError)) throw e;
        }
        const again = readOnnx(writeOnnxBytes(model));
        expect(again.graph.nodes.length).toBe(model.graph.nodes.length);
      } catch (e) {
        if (!(e instanceof EnxutoError) || e.code === 'onnx/internal') {
          untyped.push(`case ${i} (seed ${s}): ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
          continue;
        }
        count(e.code);
        if (e.code.startsWith('onnx/') && e.file !== undefined) expect(e.file).toBe(`case${i}.onnx`);
      }
    }
    expect(untyped).toEqual([]);
    // the mutations reach deep: most cases fail in several different ways, some still read
    expect(outcomes.get('read') ?? 0).toBeGreaterThan(50);
    expect(outcomes.size).toBeGreaterThan(10);
  });

  it('1,000 structural mutations of decoded models (hostile dims, types, names, counts): only typed errors', () => {
    const rand = rng(777);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const decoded = seeds.map((s) => ModelProtoType.toObject(ModelProtoType.decode(s), { defaults: false }));
    const untyped: string[] = [];
    let read = 0;
    for (let i = 0; i < 1000; i++) {
      const obj = structuredClone(decoded[i % decoded.length]!);
      // every (holder, key) of a scalar, string, bytes or array anywhere in the message tree
      const slots: [Record<string, unknown>, string][] = [];
      const names: string[] = [];
      const walk = (o: unknown) => {
        if (o === null || typeof o !== 'object' || o instanceof Uint8Array) return;
        for (const [k, v] of Object.entries(o)) {
          slots.push([o as Record<string, unknown>, k]);
          if (k === 'name' && typeof v === 'string') names.push(v);
          if (typeof v === 'object') walk(v);
        }
      };
      walk(obj);
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
        const [holder, key] = pick(slots);
        const v = holder[key];
        if (Array.isArray(v)) holder[key] = pick([[], [...v, ...v], v.slice(1), v.slice(0, -1)]);
        else if (typeof v === 'string') holder[key] = pick(['', '__proto__', 'constructor', ...names]);
        else if (typeof v === 'number') holder[key] = pick([-1, 0, 1, 7, 26, 27, 99, 2 ** 31 - 1, -(2 ** 31)]);
        else if (v instanceof Uint8Array)
          holder[key] = pick([v.subarray(1), new Uint8Array(0), Uint8Array.from([...v, 0])]);
        else if (v !== null && typeof v === 'object' && 'low' in v)
          holder[key] = pick([
            { low: -1, high: -1 },
            { low: 0, high: 1 << 30 },
            { low: -1, high: 0x7fffffff },
          ]);
      }
      let bytes: Uint8Array;
      try {
        bytes = ModelProtoType.encode(ModelProtoType.fromObject(obj), new protobuf.Writer()).finish();
      } catch {
        continue; // not encodable: not a file anyone could hand us
      }
      try {
        const model = readOnnx(bytes, { file: 'm.onnx' });
        read++;
        try {
          checkModel(model);
          readOnnx(writeOnnxBytes(model));
        } catch (e) {
          if (!(e instanceof EnxutoError)) throw e;
        }
      } catch (e) {
        if (!(e instanceof EnxutoError) || e.code === 'onnx/internal')
          untyped.push(`case ${i}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    expect(untyped).toEqual([]);
    expect(read).toBeGreaterThan(100);
  });
});
