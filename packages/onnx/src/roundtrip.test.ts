// Real files: every ONNX backend conformance model and the mnist model are read, written and
// re-read. Files written by onnx/PyTorch come back byte for byte, and a second round is stable.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel } from '@enxuto/ir';
import { sharedPath } from '@enxuto/test-support';
import { describe, expect, it } from 'vitest';
import { describeModel } from '../test/describe-model.js';
import { EnxutoError } from '@enxuto/ir';
import { readOnnx } from './read/read-model.js';
import { readOnnxTensor, writeOnnxTensor } from './read/read-tensor-file.js';
import { writeOnnxBytes } from './write/write-model.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.byteLength === b.byteLength &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

const suites = ['node', 'simple', 'pytorch-converted', 'pytorch-operator'];
const root = sharedPath('conformance/onnx-backend');
const models = suites.flatMap((s) =>
  readdirSync(join(root, s))
    .sort()
    .map((d) => join(root, s, d, 'model.onnx'))
    .filter((f) => existsSync(f)),
);

describe('mnist.onnx (CNTK, opset 8)', () => {
  const bytes = readFileSync(sharedPath('models/onnx-mnist-8/mnist.onnx'));
  const model = readOnnx(bytes, { file: 'mnist.onnx' });

  it('reads the known structure and passes checkModel', () => {
    expect(model.irVersion).toBe(3);
    expect([...model.opsetImports]).toEqual([['', 8]]);
    expect(model.producerName).toBe('CNTK');
    expect(model.graph.nodes.map((n) => n.opType)).toEqual([
      'Reshape',
      'Conv',
      'Add',
      'Relu',
      'MaxPool',
      'Conv',
      'Add',
      'Relu',
      'MaxPool',
      'Reshape',
      'MatMul',
      'Add',
    ]);
    expect(model.graph.value('Parameter5')!.const!.shape).toEqual([8, 1, 5, 5]);
    expect(model.graph.inputs[0]!.type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [1, 1, 28, 28] });
    expect(() => checkModel(model)).not.toThrow();
  });

  it('writes back the exact bytes of the file', () => {
    expect(sameBytes(writeOnnxBytes(model), bytes)).toBe(true);
  });
});

describe(`ONNX backend conformance models (${models.length})`, () => {
  it('has the expected corpus', () => {
    expect(models.length).toBeGreaterThan(1800);
  });

  it('every model reads, rewrites byte-identically, and re-reads to the same structure', () => {
    const failures: string[] = [];
    for (const file of models) {
      const bytes = readFileSync(file);
      const m1 = readOnnx(bytes, { file });
      const w1 = writeOnnxBytes(m1);
      if (!sameBytes(w1, bytes)) failures.push(`${file}: rewrite differs`);
      const m2 = readOnnx(w1, { file });
      if (JSON.stringify(describeModel(m2)) !== JSON.stringify(describeModel(m1)))
        failures.push(`${file}: structure differs`);
      if (!sameBytes(writeOnnxBytes(m2), w1)) failures.push(`${file}: second write differs`);
    }
    expect(failures).toEqual([]);
  });
});

describe('conformance test data (lone TensorProto files)', () => {
  it('every input/output .pb reads and rewrites byte-identically, or is refused with a typed error', () => {
    let tensors = 0;
    let refused = 0;
    const failures: string[] = [];
    for (const model of models) {
      const dir = join(model, '..', 'test_data_set_0');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) {
        const bytes = readFileSync(join(dir, f));
        try {
          const { name, tensor } = readOnnxTensor(bytes, { file: f });
          tensors++;
          if (!sameBytes(writeOnnxTensor(tensor, name), bytes)) failures.push(`${dir}/${f}`);
        } catch (e) {
          // SequenceProto / OptionalProto files are not tensors
          if (!(e instanceof EnxutoError) || e.code === 'onnx/internal') failures.push(`${dir}/${f}: ${String(e)}`);
          refused++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tensors).toBeGreaterThan(5000);
    expect(refused).toBeLessThan(100);
  });
});
