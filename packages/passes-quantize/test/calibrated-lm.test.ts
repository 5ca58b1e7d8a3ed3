// GPTQ and AWQ on a real (tiny) language model, checked by its held-out cross-entropy in
// onnxruntime: calibrated 3-bit weights must lose less than round to nearest.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDataset, evaluateLm, tokensFromNpy, windowsOf } from '@enxuto/pipeline';
import { readOnnxFile } from '@enxuto/onnx/node';
import { ortNodeBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { calibrationBatches, quantizeCalibrated, quantizeWeights, stagesOf, findWeightNodes } from '../src/index.js';

const dir = sharedPath('models/zoo/tiny_gpt_bytes');
const model = readOnnxFile(`${dir}/tiny_gpt.onnx`);
const heldout = tokensFromNpy(readFileSync(`${dir}/heldout_tokens.npy`), 'heldout_tokens.npy');

/** Python source the model never saw as held-out text: the zoo's own build scripts, as byte windows. */
function calibrationSet(windows: number) {
  const scripts = sharedPath('models/zoo/_scripts');
  const bytes = readdirSync(scripts)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .flatMap((f) => [...readFileSync(`${scripts}/${f}`)]);
  const w = windowsOf(bytes, 128, 'scripts');
  return createDataset({
    description: 'zoo scripts',
    size: Math.min(windows, w.rows),
    shape: [128],
    hasLabels: false,
    sample: (i) => ({ input: Float32Array.from(w.ids.subarray(i * 128, (i + 1) * 128)) }),
  });
}

const ce = async (m: typeof model) =>
  (await evaluateLm(m, heldout, { backend: ortNodeBackend, batchSize: 16 })).crossEntropy;

describe('calibrated n-bit weights on tiny_gpt_bytes', () => {
  it('stages: q/k/v, output projection, MLP in, MLP out per block, then the head', () => {
    const stages = stagesOf(model, findWeightNodes(model, { minElements: 16 }));
    expect(stages.length).toBeGreaterThanOrEqual(4 * 3 + 1);
    expect(stages.flat().length).toBe(findWeightNodes(model, { minElements: 16 }).length);
  });
  it('3-bit GPTQ and AWQ lose less cross-entropy than round to nearest', async () => {
    const base = await ce(model);
    const rtn = await ce(quantizeWeights(model, { bits: 3, symmetric: true, minClip: 1 }).model);
    const data = calibrationSet(32);
    const batches = () => calibrationBatches(model, data, { batchSize: 16, limit: 32 });
    const gptq = await quantizeCalibrated(model, 'gptq', ortNodeBackend, batches(), { bits: 3, symmetric: true });
    const awq = await quantizeCalibrated(model, 'awq', ortNodeBackend, batches(), { bits: 3, symmetric: true });
    expect(gptq.layers.length).toBeGreaterThan(12);
    expect(gptq.embeddings.map((l) => l.opType)).toContain('Gather');
    const g = await ce(gptq.model);
    const a = await ce(awq.model);
    expect(rtn - base).toBeGreaterThan(0);
    // GPTQ recovers at least half of what rounding loses; AWQ some of it.
    expect(g - base).toBeLessThan((rtn - base) * 0.5);
    expect(a - base).toBeLessThan(rtn - base);
  }, 600_000);
});
