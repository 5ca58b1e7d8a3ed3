// A big ONNX model for the I/O benchmark: a chain of `layers` MatMuls with [width, width] float32
// weights (100 x 1000 x 1000 = 100 M parameters, ~400 MB). Generation runs in the benchmark's parent
// process; the measurements run in fresh children, so its memory does not count.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { float32Tensor, Model, tensorType } from '@enxuto/ir';
import { writeOnnx } from '@enxuto/onnx';

/** The model with small placeholder weights; `fill` supplies each layer's real values. */
export function chainModel(layers: number, width: number, fill: (layer: number) => Float32Array): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  const g = m.graph;
  let x = g.addInput('x', tensorType('float32', [1, width]));
  for (let i = 0; i < layers; i++) {
    const w = g.addInitializer(`w${i}`, float32Tensor([width, width], fill(i)));
    x = g.addNode({ opType: 'MatMul', name: `mm${i}`, inputs: [x, w], outputs: [`h${i}`] }).output(0);
  }
  g.setOutputs([x]);
  return m;
}

export function layerValues(layer: number, size: number): Float32Array {
  const a = new Float32Array(size);
  // Cheap, non-constant values (a constant array could be stored specially by a clever writer).
  for (let i = 0; i < size; i++) a[i] = ((i * 2654435761 + layer) % 1000) / 1e6;
  return a;
}

/** Writes the model to `path`, one chunk at a time; returns its size. */
export function generateChainModel(path: string, layers = 100, width = 1000): number {
  const model = chainModel(layers, width, (i) => layerValues(i, width * width));
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const chunk of writeOnnx(model)) {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
      bytes += chunk.byteLength;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
