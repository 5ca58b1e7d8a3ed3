// q4 by GPTQ on a Hugging Face decoder with a KV cache (tiny-gpt2-hf): layer-by-layer calibration
// runs pieces of the GPT-2 export (Gemms on [B*T, C] reshapes beside [B, T, C] values) and the
// result stays within the q4 bound of fp32 cross-entropy on text the model did not see.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOnnxFile } from '@enxuto/onnx/node';
import { evaluateLm, tokensFromText } from '@enxuto/pipeline';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { writeVariants } from './write-variants.js';

const tmp = tempDir('enxuto-hf-gptq-');
afterAll(() => tmp.cleanup());
const gpt2 = sharedPath('models/zoo/tiny-gpt2-hf');

describe('GPTQ variants of an HF decoder', () => {
  it('tiny-gpt2-hf q4 by GPTQ: cross-entropy within 1 % of fp32', async () => {
    const scripts = sharedPath('models/zoo/_scripts');
    const text = readdirSync(scripts)
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => readFileSync(join(scripts, f), 'utf8'))
      .join('<|endoftext|>');
    const json = (f: string) => JSON.parse(readFileSync(join(gpt2, f), 'utf8'));
    const all = tokensFromText(text, json('tokenizer.json'), json('tokenizer_config.json'), 64, 'zoo scripts');
    // First windows calibrate, the last ones measure.
    const split = (from: number, rows: number) => ({
      ...all,
      rows,
      ids: all.ids.subarray(from * all.length, (from + rows) * all.length),
    });
    const calibration = split(0, 16);
    const heldout = split(all.rows - 16, 16);
    const out = join(tmp.path, 'gptq');
    await writeVariants(gpt2, out, {
      dtypes: ['q4'],
      method: 'gptq',
      calibration: { tokens: calibration, backend: ortNodeBackend, batchSize: 8 },
    });
    const ce = async (file: string) =>
      (await evaluateLm(readOnnxFile(file), heldout, { backend: ortNodeBackend, batchSize: 8 })).crossEntropy;
    const base = await ce(join(gpt2, 'onnx/model.onnx'));
    const q4 = await ce(join(out, 'onnx/model_q4.onnx'));
    expect(q4).not.toBe(base);
    expect(Math.abs(q4 - base) / base).toBeLessThan(0.01);
  }, 600_000);
});
