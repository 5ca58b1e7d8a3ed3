// Reads a TensorProto file (test_data_set_N/input_N.pb). @enxuto/onnx has no public TensorProto
// decoder, so the bytes become the single initializer of a minimal ModelProto read by readOnnx.
import { readOnnx } from '@enxuto/onnx';
import type { Tensor } from '@enxuto/ir';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

export function readTensorFile(bytes: Uint8Array): Tensor | undefined {
  const graph = new Uint8Array([0x2a, ...varint(bytes.length), ...bytes]); // GraphProto.initializer = 5
  const head = [0x08, 0x08, 0x3a, ...varint(graph.length)]; // ir_version = 8, ModelProto.graph = 7
  const model = new Uint8Array(head.length + graph.length);
  model.set(head);
  model.set(graph, head.length);
  try {
    return readOnnx(model).graph.initializers()[0]?.const;
  } catch {
    return undefined; // a SequenceProto / OptionalProto / MapProto, not a tensor
  }
}
