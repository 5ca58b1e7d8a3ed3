// Reads a TensorProto file (test_data_set_N/input_N.pb) into an IR Tensor. @enxuto/onnx has no public
// TensorProto decoder yet, so the bytes are wrapped as the single initializer of a minimal
// ModelProto and read with readOnnx: the same decoding path (and the same checks) as model files.
import { concatBytes, UnsupportedError, type Tensor } from '@enxuto/ir';
import { readOnnx } from '@enxuto/onnx';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function field(tag: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(tag), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

const NAME = new TextEncoder().encode('t');

/** True when the bytes look like a TensorProto rather than a SequenceProto/OptionalProto/MapProto. */
export async function readTensorFile(bytes: Uint8Array, file: string): Promise<Tensor> {
  // A later `name` field (8) overrides the file's own, so the initializer always has a name.
  const tensor = concatBytes([bytes, field(0x42, NAME)]);
  const graph = concatBytes([field(0x2a, tensor), field(0x12, new TextEncoder().encode('g'))]);
  const model = concatBytes([
    new Uint8Array([0x08, 0x08]),
    field(0x3a, graph),
    field(0x42, new Uint8Array([0x10, 0x0d])),
  ]);
  const m = await readOnnx(model, { file });
  const v = m.graph.value('t');
  if (!v?.const) throw new UnsupportedError('unsupported: not a TensorProto', { code: 'conformance/not-tensor', file });
  return v.const;
}
