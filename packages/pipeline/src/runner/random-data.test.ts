// `random` data without a shape takes the model's own input, in both runners, on the real
// onnx-mnist-8 (input [1, 1, 28, 28]): the same samples as the shape written out.
import { readFileSync } from 'node:fs';
import { getBackend } from '@enxuto/runtime';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { addNoise } from '../test-passes.js';
import { runPipelineInMemory } from './run-in-memory.js';
import { runPipeline } from './run-pipeline.js';

const registry = createRegistry([addNoise]);
const backend = getBackend('ort-web');
const MODEL = sharedPath('models', 'onnx-mnist-8', 'mnist.onnx');
let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-random-data-');
});
afterEach(() => dir.cleanup());
const pipeline = (evaluation: Record<string, unknown>) => ({
  input: MODEL,
  seed: 1,
  data: { evaluation },
  passes: [{ type: 'add-noise', options: { amount: 1e-3 } }],
  outputs: ['out/model.onnx'],
  evaluation: { latencyRuns: 0 },
});

describe('random data of the model input', () => {
  it('takes the shape of the model input and gives the samples of the explicit shape', async () => {
    const run = (evaluation: Record<string, unknown>) =>
      runPipeline(pipeline(evaluation), { registry, backend, cacheDir: false, baseDir: dir.path });
    const implied = await run({ type: 'random', count: 6 });
    const explicit = await run({ type: 'random', count: 6, shape: [1, 1, 28, 28] });
    expect(implied.report.metrics.after!.samples).toBe(6);
    expect(implied.report.metrics.after!.cosine).toBe(explicit.report.metrics.after!.cosine);
    expect(implied.report.metrics.after!.maxAbsError).toBe(explicit.report.metrics.after!.maxAbsError);
  });

  it('works in the in-memory runner too', async () => {
    const yaml = `input: mnist.onnx
seed: 1
data: { evaluation: { type: random, count: 6 } }
passes: [{ type: add-noise, options: { amount: 0.001 } }]
outputs: [out/model.onnx]
evaluation: { latencyRuns: 0 }
`;
    const files = { 'mnist.onnx': new Uint8Array(readFileSync(MODEL)) };
    const mem = await runPipelineInMemory(yaml, { registry, files, backend });
    const node = await runPipeline(pipeline({ type: 'random', count: 6 }), {
      registry,
      backend,
      cacheDir: false,
      baseDir: dir.path,
    });
    expect(mem.report.metrics.after!.samples).toBe(6);
    expect(mem.report.metrics.after!.cosine).toBe(node.report.metrics.after!.cosine);
  });
});
