// Every variant enxuto writes loads and runs in Transformers.js (Node, offline, local folder,
// `{ dtype }`), and stays close to the float model: generation of tiny-gpt2-hf, embeddings of
// tiny-bert-hf.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@huggingface/transformers';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { DEFAULT_DTYPES } from '../dtypes.js';
import { writeVariants, type VariantReport } from './write-variants.js';

const out = tempDir('enxuto-hf-');
const reports: Record<string, VariantReport[]> = {};

beforeAll(async () => {
  for (const name of ['tiny-gpt2-hf', 'tiny-bert-hf']) {
    reports[name] = await writeVariants(sharedPath('models/zoo', name), join(out.path, name));
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${out.path}/`;
}, 600_000);
afterAll(() => out.cleanup());

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('variants in Transformers.js', () => {
  it('writes every default dtype, q4 at most 0.2x of the float file', () => {
    for (const r of Object.values(reports)) {
      expect(r.map((v) => v.dtype)).toEqual([...DEFAULT_DTYPES]);
      expect(r.find((v) => v.dtype === 'q4')!.ratio).toBeLessThan(0.2);
    }
  });

  it('tiny-gpt2-hf: text generation runs for every dtype, and the 8-bit ones match the float greedy text', async () => {
    const prompt = 'def main(';
    const texts: Record<string, string> = {};
    for (const dtype of ['fp32', ...DEFAULT_DTYPES] as const) {
      const gen = await pipeline('text-generation', 'tiny-gpt2-hf', { dtype, device: 'cpu' });
      const res = (await gen(prompt, { max_new_tokens: 12, do_sample: false })) as { generated_text: string }[];
      texts[dtype] = res[0]!.generated_text;
      expect(texts[dtype]!.startsWith(prompt), dtype).toBe(true);
      expect(texts[dtype]!.length, dtype).toBeGreaterThan(prompt.length);
      await gen.dispose();
    }
    for (const dtype of ['fp16', 'q8', 'int8']) expect(texts[dtype], dtype).toBe(texts.fp32);
  }, 600_000);

  it('tiny-bert-hf: mean-pooled embeddings of every dtype keep cosine >= 0.99 with the float ones', async () => {
    const inputs = ['def add(a, b):\n    return a + b', 'import os', 'class Foo(Base):\n    pass'];
    const embed = async (dtype: string) => {
      const fe = await pipeline('feature-extraction', 'tiny-bert-hf', { dtype: dtype as 'fp32', device: 'cpu' });
      const t = await fe(inputs, { pooling: 'mean', normalize: true });
      await fe.dispose();
      return t.tolist() as number[][];
    };
    const ref = await embed('fp32');
    for (const dtype of DEFAULT_DTYPES) {
      const got = await embed(dtype);
      for (let i = 0; i < inputs.length; i++) expect(cosine(got[i]!, ref[i]!), `${dtype} #${i}`).toBeGreaterThan(0.99);
    }
  }, 600_000);
});
