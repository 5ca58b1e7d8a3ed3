import { describe, expect, it } from 'vitest';
import { passes, quantizeStaticPass } from './index.js';

describe('pass definitions', () => {
  it('names, summaries and option defaults', () => {
    expect(passes.map((p) => p.name)).toEqual([
      'quantize-static',
      'quantize-aware-training',
      'quantize-dynamic',
      'quantize-weights',
      'quantize-gptq',
      'quantize-awq',
      'convert-float16',
      'equalize-cross-layer',
      'bias-correction',
      'quantize-auto',
    ]);
    const o = quantizeStaticPass.options.parse({});
    expect(o).toMatchObject({
      format: 'qdq',
      perChannel: true,
      calibration: 'mse',
      calibrationSamples: 256,
      activationType: 'uint8',
    });
    expect(() => quantizeStaticPass.options.parse({ perChanel: true })).toThrow();
    expect(() => quantizeStaticPass.options.parse({ calibration: 'kl' })).toThrow();
    // every option is documented
    for (const p of passes) {
      for (const [k, f] of Object.entries(p.options.shape as Record<string, { description?: string }>)) {
        expect(f.description, `${p.name}.${k}`).toBeTruthy();
      }
    }
  });
});
