// The byte-level GPT: held-out cross-entropy of float, dynamic int8 and 4-bit weights (defaults of
// quantize-dynamic and quantize-weights), on the held-out windows shipped with the model.
import { readFileSync } from 'node:fs';
import { readModel } from '@enxuto/formats/node';
import { writeOnnxBytes } from '@enxuto/onnx';
import { quantizeDynamic, quantizeWeights } from '@enxuto/passes-quantize';
import { evaluateLm, tokensFromNpy } from '@enxuto/pipeline';
import type { InferenceBackend, TensorData } from '@enxuto/runtime';
import { sharedPath } from '@enxuto/test-support';

export interface LmResult {
  floatBytes: number;
  floatCrossEntropy: number;
  variants: { name: string; bytes: number; crossEntropy: number; change: number; top1Agreement: number }[];
  forLatency: { name: string; bytes: Uint8Array }[];
  feeds: Record<string, TensorData>;
}

export async function benchTinyGpt(backend: InferenceBackend, log: (s: string) => void): Promise<LmResult> {
  const dir = sharedPath('models', 'zoo', 'tiny_gpt_bytes');
  const { model } = await readModel(`${dir}/tiny_gpt.onnx`);
  const file = `${dir}/heldout_tokens.npy`;
  const tokens = tokensFromNpy(new Uint8Array(readFileSync(file)), file);
  const floatBytes = writeOnnxBytes(model);
  const float = await evaluateLm(floatBytes, tokens, { backend });
  const quantized = [
    { name: 'dynamic int8', bytes: writeOnnxBytes(quantizeDynamic(model).model) },
    { name: 'int4 weights', bytes: writeOnnxBytes(quantizeWeights(model, { bits: 4 }).model) },
  ];
  const variants = [];
  for (const q of quantized) {
    const r = await evaluateLm(q.bytes, tokens, { backend, reference: floatBytes });
    const change = r.crossEntropy / float.crossEntropy - 1;
    variants.push({
      name: q.name,
      bytes: q.bytes.length,
      crossEntropy: r.crossEntropy,
      change,
      top1Agreement: r.top1Agreement ?? Number.NaN,
    });
    log(
      `tiny_gpt_bytes ${q.name}: cross-entropy ${r.crossEntropy.toFixed(4)} vs ${float.crossEntropy.toFixed(4)} (${(change * 100).toFixed(2)} %)`,
    );
  }
  const ids = BigInt64Array.from(tokens.ids.subarray(0, tokens.length), BigInt);
  return {
    floatBytes: floatBytes.length,
    floatCrossEntropy: float.crossEntropy,
    variants,
    forLatency: [{ name: 'float', bytes: floatBytes }, ...quantized],
    feeds: { input_ids: { dtype: 'int64', shape: [1, tokens.length], data: ids } },
  };
}
