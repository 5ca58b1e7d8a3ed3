// Greedy generation with the KV cache must give the tokens of greedy decoding without it (the whole
// sequence run again at each step), on tiny-gpt2-hf (GPT-2 export with past_key_values), in both
// backends; and a model without a cache is refused by field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '@enxuto/test-support';
import { generateGreedy, takesKvCache } from './lm-generate.js';
import { lmFeeds, type InferenceBackend, type Session } from '@enxuto/pass';
import { ortNodeBackend } from './node-backend.js';
import { ortWebBackend } from './web.js';

const gpt2 = new Uint8Array(readFileSync(sharedPath('models/zoo/tiny-gpt2-hf/onnx/model.onnx')));
const PROMPT = [1640, 25, 198, 220, 220, 220, 611, 2116]; // any ids below the vocabulary (4000)

/** Greedy tokens without the cache: the whole sequence each step, the last position's argmax. */
async function greedyWithoutCache(s: Session, prompt: number[], n: number): Promise<number[]> {
  const seq = [...prompt];
  for (let i = 0; i < n; i++) {
    const out = await s.run(lmFeeds(s.inputs, { ids: seq, rows: 1, length: seq.length }));
    const logits = out.logits!;
    const vocab = logits.shape.at(-1)!;
    const last = (logits.data as Float32Array).subarray(logits.data.length - vocab);
    seq.push(last.indexOf(Math.max(...last)));
  }
  return seq.slice(prompt.length);
}

describe('generateGreedy', () => {
  it.each([
    ['ort-node', ortNodeBackend],
    ['ort-web', ortWebBackend],
  ] as [string, InferenceBackend][])(
    'with the cache gives the tokens of greedy decoding without it (%s)',
    async (_, backend) => {
      const s = await backend.createSession(gpt2);
      try {
        expect(takesKvCache(s.inputs)).toBe(true);
        let t = 0;
        const g = await generateGreedy(s, PROMPT, 12, () => (t += 10));
        expect(g.ids).toEqual(await greedyWithoutCache(s, PROMPT, 12));
        expect(new Set(g.ids).size).toBeGreaterThan(1);
        // A fake clock of 10 ms per reading: prompt 10 ms, then 11 tokens in 10 ms.
        expect(g.firstTokenMs).toBe(10);
        expect(g.tokensPerSecond).toBeCloseTo(1100);
      } finally {
        await s.release();
      }
    },
    120_000,
  );

  it('refuses a model without a KV cache, naming the field', async () => {
    const s = await ortNodeBackend.createSession(
      new Uint8Array(readFileSync(sharedPath('models/zoo/tiny_gpt_bytes/tiny_gpt.onnx'))),
    );
    try {
      expect(takesKvCache(s.inputs)).toBe(false);
      await expect(generateGreedy(s, [1, 2, 3], 4)).rejects.toMatchObject({
        code: 'runtime/lm-cache',
        field: 'inputs',
      });
    } finally {
      await s.release();
    }
  });
});
