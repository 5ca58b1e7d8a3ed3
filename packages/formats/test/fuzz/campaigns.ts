// Fuzz campaigns for the model readers (issue 13): real models from the shared corpus, mutated by
// fast-check (bytes flipped, cut short, spliced with random bytes, JSON values replaced), fed to
// each reader. The property: reading then checkModel (as a run does) gives a model or an
// EnxutoError (typed, with a code); never a TypeError, RangeError or any other raw exception.
// npm test runs a small seeded subset (campaigns.test.ts); `npm run fuzz -w @enxuto/formats` runs
// long campaigns and writes a per-case time and peak-RSS table (run.ts).
import { readFileSync } from 'node:fs';
import { checkModel, isEnxutoError, type Model } from '@enxuto/ir';
import { readOnnx } from '@enxuto/onnx';
import { readTfjs } from '@enxuto/tfjs';
import { readTflite } from '@enxuto/tflite';
import { sharedPath } from '@enxuto/test-support';
import fc from 'fast-check';

export interface Campaign {
  name: string;
  /** One input per run, and what the reader does with it. */
  property: () => fc.IAsyncPropertyWithHooks<[unknown]> | fc.IPropertyWithHooks<[unknown]>;
}

/**
 * The answer to one input as a run sees it (read, then checkModel): a checked model or a typed
 * error; anything else (TypeError, RangeError, a raw Error) is a finding.
 */
export function typedOrModel(read: () => Model): void {
  try {
    checkModel(read());
  } catch (e) {
    if (!isEnxutoError(e)) throw e;
  }
}

/** Byte-level mutations of a seed file: flips, a cut, and a splice of random bytes. */
export function mutatedBytes(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = seed.byteLength;
  const flip = fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 16,
  });
  return fc.oneof(
    flip.map((edits) => {
      const b = seed.slice();
      for (const [at, v] of edits) b[at] = v;
      return b;
    }),
    fc.nat({ max: n - 1 }).map((end) => seed.slice(0, end)),
    fc.tuple(fc.nat({ max: n - 1 }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]) => {
      const b = new Uint8Array(n + junk.byteLength);
      b.set(seed.subarray(0, at));
      b.set(junk, at);
      b.set(seed.subarray(at), at + junk.byteLength);
      return b;
    }),
  );
}

/** JSON mutations: one value anywhere in the document replaced by another of any type. */
function mutatedJson(seed: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    paths.push(at);
    if (Array.isArray(v)) v.slice(0, 8).forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(seed, []);
  const replacement = fc.oneof(
    fc.constantFrom(null, true, -1, 0, 2 ** 32 + 4, 1e308, Number.NaN, '', 'float32', [], {}),
    fc.string({ maxLength: 12 }),
    fc.array(fc.integer(), { maxLength: 4 }),
  );
  return fc.tuple(fc.constantFrom(...paths), replacement).map(([path, value]) => {
    const copy = structuredClone(seed) as Record<string | number, unknown>;
    if (path.length === 0) return value;
    let at: Record<string | number, unknown> = copy;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    at[path.at(-1)!] = value;
    return copy;
  });
}

const once = <T>(make: () => T) => {
  let v: T | undefined;
  return () => (v ??= make());
};
const onnxSeed = once(() => new Uint8Array(readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'))));
const tfliteSeed = once(
  () => new Uint8Array(readFileSync(sharedPath('models', 'tflite-mnist-lstm', 'trained_lstm_int8.tflite'))),
);
const tfjsSeed = once(() => ({
  json: JSON.parse(readFileSync(sharedPath('models', 'tfjs-mnist-graph', 'model.json'), 'utf8')) as unknown,
  weights: new Uint8Array(readFileSync(sharedPath('models', 'tfjs-mnist-graph', 'group1-shard1of1'))),
}));

export const CAMPAIGNS: readonly Campaign[] = [
  {
    name: 'onnx-bytes',
    property: () => fc.property(mutatedBytes(onnxSeed()), (b) => typedOrModel(() => readOnnx(b as Uint8Array))),
  },
  {
    name: 'tflite-bytes',
    property: () => fc.property(mutatedBytes(tfliteSeed()), (b) => typedOrModel(() => readTflite(b as Uint8Array))),
  },
  {
    name: 'tfjs-model-json',
    property: () =>
      fc.property(mutatedJson(tfjsSeed().json), (json) =>
        typedOrModel(() => readTfjs(json as object, tfjsSeed().weights)),
      ),
  },
  {
    name: 'tfjs-weights',
    property: () =>
      fc.property(mutatedBytes(tfjsSeed().weights), (w) =>
        typedOrModel(() => readTfjs(tfjsSeed().json as object, w as Uint8Array)),
      ),
  },
];
