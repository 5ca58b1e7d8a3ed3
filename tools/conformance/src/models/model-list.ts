// The models of the matrix: every entry of ../shared/models/zoo/MANIFEST.json and the shared
// models beside the zoo, with the format their file says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@enxuto/test-support';
import type { ModelSource } from './cells.js';

function formatOf(path: string): ModelSource['format'] {
  if (path.endsWith('.onnx')) return 'onnx';
  if (path.endsWith('.tflite')) return 'tflite';
  return 'tfjs';
}

const SHARED: [string, string][] = [
  ['onnx-mnist-8', 'onnx-mnist-8/mnist.onnx'],
  ['tfjs-mnist-graph', 'tfjs-mnist-graph/model.json'],
  ['tfjs-mnist-layers', 'tfjs-mnist-layers/model.json'],
  ['tflite-mnist-lstm', 'tflite-mnist-lstm/trained_lstm.tflite'],
  ['tflite-mnist-lstm-int8', 'tflite-mnist-lstm/trained_lstm_int8.tflite'],
];

export function listModels(): ModelSource[] {
  const zoo = sharedPath('models', 'zoo');
  const manifest = JSON.parse(readFileSync(join(zoo, 'MANIFEST.json'), 'utf8')) as {
    models: { name: string; path: string; entry: string }[];
  };
  const fromZoo = manifest.models.map((m) => {
    const path = join(zoo, m.path, m.entry);
    return { name: m.name, path, format: formatOf(path) };
  });
  const shared = SHARED.map(([name, rel]) => {
    const path = sharedPath('models', ...rel.split('/'));
    return { name, path, format: formatOf(path) };
  });
  return [...fromZoo, ...shared];
}
