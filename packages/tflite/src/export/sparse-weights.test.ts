import {
  attr,
  ConfigError,
  int64Tensor,
  Model,
  SparseTensor,
  tensorFromValues,
  tensorType,
  type Graph,
  type Value,
} from '@enxuto/ir';
import { runTflite } from '@enxuto/tflite-interpreter';
import { describe, expect, it } from 'vitest';
import { exportAndRun, maxAbsDiff, noise, onnxModel, ops } from '../../test/export-harness.js';
import { EXTRA } from '../extras.js';
import { readTflite } from '../read.js';
import { densify } from '../tensor-data.js';
import { writeTflite } from '../write.js';
import { exportToTflite } from './export-tflite.js';
import { csrEncode, csrSparsity } from './sparse-weights.js';

/** `n` seeded values with `zeroFraction` of them set to 0 at seeded positions. */
function pruned(n: number, zeroFraction: number, seed: number): Float32Array {
  const w = noise(n, seed);
  const order = noise(n, seed + 100);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
  for (let i = 0; i < Math.round(n * zeroFraction); i++) w[idx[i]!] = 0;
  return w;
}

/** 784-64-10 MLP: Gemm(transB) + Relu, Gemm(transB); weights 80 % zero. */
function prunedMlp(asSparseTensor = false): Model {
  const m = new Model();
  m.opsetImports.set('', 13);
  const g: Graph = m.graph;
  const x = g.addInput('x', tensorType('float32', [1, 784]));
  const init = (name: string, shape: number[], data: Float32Array): Value => {
    if (!asSparseTensor) return g.addInitializer(name, tensorFromValues('float32', shape, data));
    // The form the store-sparse pass leaves: values + linear int64 indices.
    const nz = [...data.keys()].filter((i) => data[i] !== 0);
    const t = new SparseTensor(
      'float32',
      shape,
      tensorFromValues(
        'float32',
        [nz.length],
        Float32Array.from(nz, (i) => data[i]!),
      ),
      int64Tensor([nz.length], nz.map(BigInt)),
    );
    return g.addInitializer(name, t);
  };
  const w1 = init('w1', [64, 784], pruned(64 * 784, 0.8, 3));
  const b1 = g.addInitializer('b1', tensorFromValues('float32', [64], noise(64, 5)));
  const w2 = init('w2', [10, 64], pruned(10 * 64, 0.8, 9));
  const b2 = g.addInitializer('b2', tensorFromValues('float32', [10], noise(10, 11)));
  const h = g.addNode({ opType: 'Gemm', inputs: [x, w1, b1], outputs: ['h'], attributes: { transB: attr.int(1) } });
  const r = g.addNode({ opType: 'Relu', inputs: [h.output()], outputs: ['r'] });
  const o = g.addNode({
    opType: 'Gemm',
    inputs: [r.output(), w2, b2],
    outputs: ['y'],
    attributes: { transB: attr.int(1) },
  });
  const y = o.output();
  y.type = tensorType('float32', [1, 10]);
  g.setOutputs([y]);
  return m;
}

/** The MLP in plain JS, so a DENSIFY that dropped weights could not pass by matching a dense run only. */
function referenceMlp(x: Float32Array): Float32Array {
  const w1 = pruned(64 * 784, 0.8, 3);
  const b1 = noise(64, 5);
  const w2 = pruned(10 * 64, 0.8, 9);
  const b2 = noise(10, 11);
  const h = Float32Array.from(b1, (b, j) => {
    let s = b;
    for (let i = 0; i < 784; i++) s += x[i]! * w1[j * 784 + i]!;
    return Math.max(0, s);
  });
  return Float32Array.from(b2, (b, k) => {
    let s = b;
    for (let j = 0; j < 64; j++) s += h[j]! * w2[k * 64 + j]!;
    return s;
  });
}

describe('CSR encoding', () => {
  it('drops zeros row by row and densifies back to the same values', () => {
    const data = Float32Array.from([0, 1.5, 0, 0, 0, 0, -2, 0, 3]);
    const csr = csrEncode(data, 3);
    expect(csr.segments).toEqual([0, 1, 1, 3]);
    expect(csr.indices).toEqual([1, 0, 2]);
    expect([...csr.values]).toEqual([1.5, -2, 3]);
    const sparsity = csrSparsity([3, 3], csr);
    const back = densify(new Uint8Array(csr.values.buffer), 4, [3, 3], sparsity);
    expect([...new Float32Array(back.buffer, back.byteOffset, 9)]).toEqual([...data]);
  });

  it('uses uint16 indices past 255 columns', () => {
    const data = new Float32Array(300);
    data[299] = 1;
    const s = csrSparsity([1, 300], csrEncode(data, 300));
    expect(s.dim_metadata![1]!.array_indices!.type).toBe('Uint16Vector');
    expect(s.dim_metadata![1]!.array_segments!.type).toBe('Uint8Vector');
    expect(s.dim_metadata![0]!.dense_size).toBe(1);
  });
});

describe('sparse weights in export', () => {
  const inputs = [1, 2, 3].map((s) => noise(784, 40 + s));

  it('a pruned 784-64-10 MLP is stored sparse behind DENSIFY, smaller, with identical outputs', () => {
    const model = prunedMlp();
    const sparseModel = exportToTflite(model);
    const denseModel = exportToTflite(model, { sparseWeights: 'never' });
    expect(ops(sparseModel).filter((o) => o === 'DENSIFY')).toHaveLength(2);
    expect(ops(denseModel)).not.toContain('DENSIFY');
    const sparseBytes = writeTflite(sparseModel);
    const denseBytes = writeTflite(denseModel);
    console.log(
      `pruned MLP: dense ${denseBytes.length} B, sparse ${sparseBytes.length} B, ratio ${(sparseBytes.length / denseBytes.length).toFixed(3)}`,
    );
    // 80 % zeros: 4 B value + 2 B uint16 column index per kept weight = 0.2 * 6 / 4 = 0.3 of dense.
    expect(sparseBytes.length / denseBytes.length).toBeLessThan(0.33);
    for (const x of inputs) {
      const a = runTflite(sparseBytes, [{ data: x }])[0]!.data;
      const b = runTflite(denseBytes, [{ data: x }])[0]!.data;
      expect(a.length).toBe(10);
      let d = 0;
      for (let i = 0; i < 10; i++) d = Math.max(d, Math.abs(Number(a[i]) - Number(b[i])));
      expect(d).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(a as Float32Array, referenceMlp(x))).toBeLessThan(1e-4);
    }
    // The file reads back with the sparsity metadata and writes back byte for byte.
    const back = readTflite(sparseBytes);
    const stored = [...back.graph.initializers()].filter((v) => v.extras.has(EXTRA.sparse));
    expect(stored).toHaveLength(2);
    expect(writeTflite(back).length).toBe(sparseBytes.length);
  });

  it('SparseTensor initializers (store-sparse) export the same file as dense ones with zeros', () => {
    const a = writeTflite(exportToTflite(prunedMlp(true)));
    const b = writeTflite(exportToTflite(prunedMlp(false)));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('dense weights, float16 and dynamic-int8 modes keep weights dense', () => {
    const m = prunedMlp();
    const w2 = m.graph.value('w2')!;
    m.graph.setConst(w2, tensorFromValues('float32', [10, 64], noise(640, 9)));
    const t = exportToTflite(m);
    expect(ops(t).filter((o) => o === 'DENSIFY')).toHaveLength(1);
    expect(ops(exportToTflite(prunedMlp(), { mode: 'float16' }))).not.toContain('DENSIFY');
    expect(ops(exportToTflite(prunedMlp(), { mode: 'dynamic-int8' }))).not.toContain('DENSIFY');
  });

  it('a pruned CONV_2D weight (OHWI, CSR over input channels) runs like onnxruntime', async () => {
    const model = onnxModel(
      [1, 8, 6, 6],
      (g, x) => {
        const w = g.addInitializer('w', tensorFromValues('float32', [16, 8, 3, 3], pruned(16 * 8 * 9, 0.8, 21)));
        const b = g.addInitializer('b', tensorFromValues('float32', [16], noise(16, 22)));
        return g
          .addNode({ opType: 'Conv', inputs: [x, w, b], outputs: ['y'], attributes: { pads: attr.ints([1, 1, 1, 1]) } })
          .output();
      },
      [1, 16, 6, 6],
    );
    const x = noise(8 * 36, 23);
    const { tflite, onnx, tfl } = await exportAndRun(model, x);
    expect(ops(tflite)).toEqual(['TRANSPOSE', 'DENSIFY', 'CONV_2D', 'TRANSPOSE']);
    expect(maxAbsDiff(onnx, tfl)).toBeLessThan(1e-5);
    const dense = writeTflite(exportToTflite(model, { sparseWeights: 'never' })).length;
    const sparse = writeTflite(tflite).length;
    console.log(`pruned conv 16x8x3x3: dense ${dense} B, sparse ${sparse} B`);
    expect(sparse).toBeLessThan(dense * 0.6);
  });

  it('rejects an unknown sparseWeights value', () => {
    expect(() => exportToTflite(prunedMlp(), { sparseWeights: 'always' as never })).toThrow(ConfigError);
  });
});
