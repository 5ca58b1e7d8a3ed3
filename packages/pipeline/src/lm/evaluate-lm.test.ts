import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxFile } from '@enxuto/onnx/node';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { evaluateLm } from './evaluate-lm.js';
import { tokensFromNpy, tokensFromText } from './tokens.js';

describe('evaluateLm', () => {
  it('tiny_gpt_bytes on its held-out sample: 2.0164 nats/byte, as PyTorch and onnxruntime measured', async () => {
    const dir = sharedPath('models/zoo/tiny_gpt_bytes');
    const tokens = tokensFromNpy(readFileSync(`${dir}/heldout_tokens.npy`), 'heldout_tokens.npy');
    const model = readOnnxFile(`${dir}/tiny_gpt.onnx`);
    const r = await evaluateLm(model, tokens, { backend: ortNodeBackend, reference: model, batchSize: 8 });
    expect(r.tokens).toBe(16 * 127);
    expect(r.crossEntropy).toBeCloseTo(2.0164, 3);
    expect(r.kl).toBeLessThan(1e-9);
    expect(r.top1Agreement).toBe(1);
  });
  it('tiny-gpt2-hf (inputs with a KV cache) on text: a perplexity well below the vocabulary size', async () => {
    const dir = sharedPath('models/zoo/tiny-gpt2-hf');
    const text = readFileSync(sharedPath('models/zoo/_scripts/make_tiny_gpt2_hf.py'), 'utf8');
    const tokens = tokensFromText(
      text,
      JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')),
      JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')),
      128,
      'script',
    );
    const r = await evaluateLm(readOnnxFile(`${dir}/onnx/model.onnx`), tokens, {
      backend: ortNodeBackend,
      maxWindows: 8,
    });
    expect(r.windows).toBe(8);
    expect(r.perplexity).toBeGreaterThan(2);
    expect(r.perplexity).toBeLessThan(400); // uniform over 4000 tokens would be 4000
  });
});
