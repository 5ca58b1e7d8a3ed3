// Decoder speed on real sessions: tiny-gpt2-hf in float and its q4 (MatMulNBits) variant, and a
// model without a KV cache, which is left out by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeOnnxBytes } from '@enxuto/onnx';
import { readOnnxFile } from '@enxuto/onnx/node';
import { quantizeWeights } from '@enxuto/passes-quantize';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { decoderSpeed } from '../src/app/decoder-speed.js';
import type { LoadedModel } from '../src/app/model-source.js';

const loaded = (name: string, bytes: Uint8Array, precision: string): LoadedModel => ({
  id: name,
  name,
  source: 'file',
  size: bytes.byteLength,
  model: bytes,
  precision,
});

describe('decoderSpeed', () => {
  it('times each decoder on the same prompt and compares its tokens with the first', async () => {
    const file = sharedPath('models/zoo/tiny-gpt2-hf/onnx/model.onnx');
    const fp32 = new Uint8Array(readFileSync(file));
    const q4 = writeOnnxBytes(quantizeWeights(readOnnxFile(file), { bits: 4, symmetric: false }).model);
    const mnist = new Uint8Array(readFileSync(sharedPath('models/onnx-mnist-8/mnist.onnx')));
    const runs = [];
    for (const m of [loaded('gpt2', fp32, 'fp32'), loaded('mnist', mnist, 'fp32'), loaded('gpt2 q4', q4, 'q4')])
      runs.push({ model: m, session: await ortNodeBackend.createSession(m.model as Uint8Array) });
    const seen: string[] = [];
    const { rows, skipped } = await decoderSpeed(runs, 16, (n) => seen.push(n));
    expect(skipped).toEqual(['mnist']);
    expect(seen).toEqual(['gpt2', 'gpt2 q4']);
    expect(rows.map((r) => [r.name, r.precision, r.ids.length])).toEqual([
      ['gpt2', 'fp32', 16],
      ['gpt2 q4', 'q4', 16],
    ]);
    expect(rows[0]!.sameTokens).toBe(1);
    // q4 keeps most greedy tokens of this model and is under a third of its size.
    expect(rows[1]!.sameTokens).toBeGreaterThanOrEqual(0.5);
    expect(rows[1]!.size).toBeLessThan(rows[0]!.size / 3);
    for (const r of rows) expect(r.tokensPerSecond).toBeGreaterThan(0);
    for (const r of runs) await r.session.release();
  }, 120_000);
});
