import { describe, expect, it } from 'vitest';
import { checkModel } from '@enxuto/ir';
import { insertQdq } from './insert-qdq.js';
import { prepareForQuantization } from './prepare.js';
import { qdqToQOperator } from './to-qoperator.js';
import { tinyConvNet } from './test-models.js';

const RANGES = new Map([
  ['x', { min: -1, max: 1.55 }],
  ['add_out', { min: -2, max: 2.55 }],
  ['relu_out', { min: 0, max: 2.55 }],
  ['y', { min: -3, max: 3 }],
]);

describe('qdqToQOperator', () => {
  it('turns DQ -> op -> Q groups into integer operators', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    insertQdq(m, RANGES, { minInputChannels: 0, minChannels: 0 });
    const r = qdqToQOperator(m);
    checkModel(m);
    expect(r.converted).toEqual({ QLinearConv: 1, MaxPool: 1, Reshape: 1, QGemm: 1 });
    expect([...m.graph].map((n) => `${n.domain}:${n.opType}`)).toEqual([
      ':QuantizeLinear',
      ':QLinearConv',
      ':MaxPool',
      ':Reshape',
      'com.microsoft:QGemm',
    ]);
    expect(m.opsetImports.get('com.microsoft')).toBe(1);
    const conv = [...m.graph][1]!;
    expect(conv.inputs.length).toBe(9);
    expect(conv.inputs[3]!.const!.dtype).toBe('int8');
    expect(conv.inputs[8]!.const!.dtype).toBe('int32');
    expect(conv.getInts('kernel_shape')).toEqual([1, 1]);
    const gemm = [...m.graph][4]!;
    expect(gemm.inputs[6]!.const!.dtype).toBe('int32');
    // float output: no y_scale / y_zero_point
    expect(gemm.inputs.length).toBe(7);
    expect(m.graph.outputs[0]!.name).toBe('y');
    // Only scales remain in float
    expect(
      m.graph
        .initializers()
        .filter((v) => v.const!.dtype === 'float32')
        .every((v) => v.name.endsWith('_scale')),
    ).toBe(true);
    expect(m.graph.initializers().some((v) => v.const!.dtype === 'float32' && v.uses().length === 0)).toBe(false);
  });
});
