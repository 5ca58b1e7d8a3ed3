// The prepared graph of every model of the shared zoo that enxuto reads computes what the source
// does: onnxruntime outputs within 1e-4 of each output's largest magnitude.
import { readFileSync } from 'node:fs';
import { cloneModel, isEnxutoError, type Model, type Value } from '@enxuto/ir';
import { readModel } from '@enxuto/formats/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { sharedPath } from '@enxuto/test-support';
import { maxRelativeDifference, type OrtFeed, runOrt } from '@enxuto/test-support/ort';
import { describe, expect, it } from 'vitest';
import { prepareForQuantization } from './prepare-for-quantization.js';

interface ZooInput {
  name: string;
  shape?: (string | number)[];
}
const manifest = JSON.parse(readFileSync(sharedPath('models', 'zoo', 'MANIFEST.json'), 'utf8')) as {
  models: { name: string; path: string; entry: string; inputs?: ZooInput[] }[];
};

/** Sizes for symbolic dims, by name: audio samples, new tokens (no past ones; sums as written); else 1. */
function dimSize(d: string | number | null | undefined): number {
  if (typeof d === 'number' && d >= 0) return d;
  if (typeof d !== 'string') return 1;
  if (d.includes('+')) return d.split('+').reduce((a, part) => a + dimSize(part.trim()), 0);
  if (/past/.test(d)) return 0;
  if (/sample/.test(d)) return 512;
  if (/seq|length/.test(d)) return 8;
  return 1;
}

/** Deterministic feeds of the right dtype and a plausible range for each data input. */
function feedsFor(m: Model, described: ZooInput[] = []): Record<string, OrtFeed> {
  const feeds: Record<string, OrtFeed> = {};
  for (const v of m.graph.inputs.filter((x: Value) => !x.isInitializer())) {
    // The manifest names dims some files leave anonymous (silero's samples).
    const shape = described.find((d) => d.name === v.name)?.shape ?? v.shape ?? [];
    const dims = shape.map((d) => dimSize(d));
    const n = dims.reduce((a, b) => a * b, 1);
    const ints = (f: (i: number) => number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i)));
    if (v.name === 'sr') feeds[v.name] = { dims, data: BigInt64Array.of(16000n) };
    else if (v.dtype === 'int64')
      feeds[v.name] = { dims, data: ints((i) => (/mask/.test(v.name) ? 1 : /type/.test(v.name) ? 0 : i % 50)) };
    else if (v.dtype === 'int32')
      feeds[v.name] = { dims, data: Int32Array.from({ length: n }, (_, i) => (i * 37) % 256) };
    else feeds[v.name] = { dims, data: Float32Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.013)) };
  }
  return feeds;
}

/** Models the format readers cannot read yet (their own tests track that): nothing to prepare. */
const unreadable: string[] = [];

describe('prepareForQuantization on the zoo', () => {
  for (const entry of manifest.models) {
    it(`${entry.name}: same outputs in onnxruntime`, async () => {
      let model: Model;
      try {
        ({ model } = await readModel(sharedPath('models', 'zoo', entry.path, entry.entry)));
      } catch (e) {
        expect(isEnxutoError(e), String(e)).toBe(true);
        unreadable.push(entry.name);
        return;
      }
      const prepared = cloneModel(model);
      const stats = prepareForQuantization(prepared);
      expect(prepared.opset('')).toBeGreaterThanOrEqual(13);
      const feeds = feedsFor(model, entry.inputs);
      const [a, b] = await Promise.all([runOrt(writeOnnxBytes(model), feeds), runOrt(writeOnnxBytes(prepared), feeds)]);
      expect(maxRelativeDifference(a, b), JSON.stringify(stats)).toBeLessThanOrEqual(1e-4);
    }, 120_000);
  }

  it('reads and prepares all but the models whose operators the readers lack', () => {
    expect(unreadable.length).toBeLessThanOrEqual(3);
  });
});
