import { describe, expect, it } from 'vitest';
import { checkModel, cloneModel, opHistogram } from '@enxuto/ir';
import { compactNames } from './compact.js';
import { insertDynamic } from './dynamic.js';
import { equalizeCrossLayer } from './equalize.js';
import { convertFloat16 } from './float16.js';
import { prepareForQuantization } from './prepare.js';
import { quantizeWeightsOnly } from './weight-only.js';
import { randomMlp, tinyConvNet } from './test-models.js';

describe('insertDynamic', () => {
  it('rewrites each Gemm into DynamicQuantizeLinear + MatMulInteger + scale multiply (+ bias)', () => {
    const m = randomMlp(16, 1, 'N');
    const r = insertDynamic(m);
    checkModel(m);
    expect(r.layers.map((l) => l.node)).toEqual(['fc0', 'head']);
    expect(opHistogram(m)).toEqual({ DynamicQuantizeLinear: 2, MatMulInteger: 2, Cast: 2, Mul: 4, Add: 2, Relu: 1 });
    const mmi = [...m.graph].find((n) => n.opType === 'MatMulInteger')!;
    expect(mmi.inputs[1]!.const!.dtype).toBe('int8');
    expect(mmi.inputs[3]!.const!.shape).toEqual([16]); // per-column weight zero points
    expect(m.graph.outputs[0]!.name).toBe('logits');
    expect(m.graph.outputs[0]!.producer()!.opType).toBe('Add');
  });
});

describe('quantizeWeightsOnly', () => {
  it('int8: DequantizeLinear per output channel in front of every weight', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const r = quantizeWeightsOnly(m, { minElements: 1 });
    checkModel(m);
    expect(r.layers.map((l) => [l.opType, l.bits])).toEqual([
      ['Conv', 8],
      ['Gemm', 8],
    ]);
    expect(opHistogram(m).DequantizeLinear).toBe(2);
  });
  it('int4: MatMul becomes MatMulNBits with K, N, bits and block size', () => {
    const m = randomMlp(32, 0, 'N');
    // a MatMul (not Gemm) model
    const g = m.graph;
    const gemm = [...g][0]!;
    const mm = g.addNode({
      opType: 'MatMul',
      name: 'mm',
      inputs: [gemm.inputs[0]!, gemm.inputs[1]!],
      outputs: ['mm_out'],
    });
    g.setOutputs([mm.outputs[0]!]);
    g.remove(gemm);
    const r = quantizeWeightsOnly(m, { bits: 4, blockSize: 16 });
    checkModel(m);
    expect(r.layers).toHaveLength(1);
    const nb = [...g][0]!;
    expect([nb.domain, nb.opType]).toEqual(['com.microsoft', 'MatMulNBits']);
    expect([nb.getInt('K'), nb.getInt('N'), nb.getInt('bits'), nb.getInt('block_size')]).toEqual([32, 10, 4, 16]);
    expect(nb.inputs[1]!.const!.shape).toEqual([10, 2, 8]);
    expect(m.opsetImports.get('com.microsoft')).toBe(1);
    expect(g.outputs[0]!.name).toBe('mm_out');
  });
});

describe('convertFloat16', () => {
  it('casts at the borders, converts weights, keeps listed ops in float32', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const r = convertFloat16(m, { keepOps: ['MaxPool'] });
    checkModel(m);
    expect(r.keptFloat32).toEqual(['pool']);
    // input cast, around MaxPool (to float32 and back), output cast
    expect(r.casts).toBe(4);
    expect(
      m.graph
        .initializers()
        .filter((v) => v.const!.dtype === 'float32')
        .map((v) => v.name),
    ).toEqual([]);
    expect(m.graph.outputs[0]!.name).toBe('y');
    expect(m.graph.outputs[0]!.producer()!.opType).toBe('Cast');
    const pool = [...m.graph].find((n) => n.opType === 'MaxPool')!;
    expect(pool.inputs[0]!.producer()!.getInt('to')).toBe(1);
    expect(pool.outputs[0]!.uses()[0]!.node.getInt('to')).toBe(10);
  });
});

describe('equalizeCrossLayer', () => {
  it('equalizes the per-channel ranges of consecutive layers without changing the function', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const before = cloneModel(m);
    const pairs = equalizeCrossLayer(m.graph);
    checkModel(m);
    expect(pairs.map((p) => [p.first, p.second])).toEqual([['conv', 'fc']]);
    // product of W1[i] and W2 rows of channel i is unchanged (the float function is the same)
    const w1a = before.graph.value('W_quantized') ?? [...before.graph][0]!.inputs[1]!;
    const w1b = [...m.graph][0]!.inputs[1]!;
    const b1a = [...before.graph][0]!.inputs[2]!.const!.toFloat32();
    const b1b = [...m.graph][0]!.inputs[2]!.const!.toFloat32();
    const w2a = [...before.graph].at(-1)!.inputs[1]!.const!.toFloat32();
    const w2b = [...m.graph].at(-1)!.inputs[1]!.const!.toFloat32();
    for (let c = 0; c < 3; c++) {
      const s = w1a.const!.toFloat32()[c * 2]! / w1b.const!.toFloat32()[c * 2]!;
      expect(b1a[c]! / b1b[c]!).toBeCloseTo(s, 4);
      // rows 4c..4c+3 of the [12, 5] Gemm weight belong to channel c
      expect(w2b[4 * c * 5]! / w2a[4 * c * 5]!).toBeCloseTo(s, 4);
    }
    expect(pairs[0]!.spreadAfter).toBeLessThanOrEqual(pairs[0]!.spreadBefore);
  });
});

describe('compactNames', () => {
  it('renames internal values, keeps graph inputs and outputs', () => {
    const m = tinyConvNet();
    const n = compactNames(m);
    checkModel(m);
    expect(n).toBeGreaterThan(5);
    expect(m.graph.inputs[0]!.name).toBe('x');
    expect(m.graph.outputs[0]!.name).toBe('y');
    expect([...m.graph.values()].filter((v) => v.name !== 'x' && v.name !== 'y').every((v) => v.name.length <= 2)).toBe(
      true,
    );
  });
});
