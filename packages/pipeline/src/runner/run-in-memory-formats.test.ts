// The in-memory runner reads what a page is given as the CLI reads files: a real TFLite model
// (lowered the same way: the same output bytes as runPipeline), and an ONNX model whose weights
// sit in an external data file beside it (the same bytes as the model without external data).
import { readFileSync } from 'node:fs';
import { concatBytes, UnsupportedError } from '@enxuto/ir';
import { readOnnx, writeOnnxBytes, writeOnnxWithExternalData } from '@enxuto/onnx';
import { getBackend } from '@enxuto/runtime';
import { sharedPath, tempDir } from '@enxuto/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { addNoise } from '../test-passes.js';
import { readModelBytes } from './read-model-bytes.js';
import { runPipelineInMemory } from './run-in-memory.js';
import { runPipeline } from './run-pipeline.js';

const registry = createRegistry([addNoise]);
const backend = getBackend('ort-web');
const yaml = (input: string) => `input: ${input}
seed: 2
data: { evaluation: { type: random, count: 4 } }
passes: [{ type: add-noise, options: { amount: 0.001 } }]
outputs: [out/model.onnx]
evaluation: { latencyRuns: 0 }
`;

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('enxuto-memory-formats-');
});
afterEach(() => dir.cleanup());

describe('runPipelineInMemory inputs', () => {
  it('reads a TFLite model and writes the bytes runPipeline writes from the file', async () => {
    const file = sharedPath('models', 'zoo', 'face_detection_short_range', 'face_detection_short_range.tflite');
    const files = { 'models/face.tflite': new Uint8Array(readFileSync(file)) };
    const mem = await runPipelineInMemory(yaml('models/face.tflite'), { registry, files, backend });
    const node = await runPipeline(
      {
        input: file,
        seed: 2,
        data: { evaluation: { type: 'random', count: 4 } },
        passes: [{ type: 'add-noise', options: { amount: 0.001 } }],
        outputs: ['out/model.onnx'],
        evaluation: { latencyRuns: 0 },
      },
      { registry, backend, cacheDir: false, baseDir: dir.path },
    );
    expect(mem.report.metrics.after!.samples).toBe(4);
    expect(mem.report.metrics.after!.cosine).toBe(node.report.metrics.after!.cosine);
    const written = new Uint8Array(readFileSync(`${dir.path}/out/model.onnx`));
    expect(Buffer.from(mem.outputs[0]!.bytes).equals(Buffer.from(written))).toBe(true);
  });

  it('joins an ONNX model with its external data from the files beside it', async () => {
    const model = readOnnx(new Uint8Array(readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'))));
    const split = writeOnnxWithExternalData(model, { externalData: { location: 'mnist.data', threshold: 1024 } });
    const data = concatBytes(split.data);
    expect(data.byteLength).toBeGreaterThan(20_000);
    const inline = { 'm/mnist.onnx': writeOnnxBytes(model) };
    const external = { 'm/mnist.onnx': concatBytes(split.model), 'm/mnist.data': data };
    const a = await runPipelineInMemory(yaml('m/mnist.onnx'), { registry, files: inline, backend });
    const b = await runPipelineInMemory(yaml('m/mnist.onnx'), { registry, files: external, backend });
    expect(b.report.metrics.after!.cosine).toBe(a.report.metrics.after!.cosine);
    expect(Buffer.from(b.outputs[0]!.bytes).equals(Buffer.from(a.outputs[0]!.bytes))).toBe(true);
    // Without the data file: the error names it.
    const missing = await runPipelineInMemory(yaml('m/mnist.onnx'), {
      registry,
      files: { 'm/mnist.onnx': external['m/mnist.onnx'] },
      backend,
    }).catch((e: unknown) => e);
    expect((missing as { code?: string }).code).toBe('onnx/external-missing');
    expect(String(missing)).toMatch(/mnist\.data/);
  });

  it('refuses a TF.js model by name', () => {
    const json = new TextEncoder().encode('{"modelTopology":{},"weightsManifest":[]}');
    const e = (() => {
      try {
        readModelBytes(json, 'model.json');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(UnsupportedError);
    expect((e as UnsupportedError).code).toBe('pipeline/not-in-browser');
    expect(String(e)).toMatch(/model\.json is tfjs: a page reads onnx and tflite models so far/);
  });
});
