import { describe, expect, it } from 'vitest';
import { attr, checkModel, float32Tensor, int64Tensor, Model, type Node, type Value } from '@enxuto/ir';
import { insertQdq } from './insert-qdq.js';
import { prepareForQuantization } from './prepare.js';
import { randomTensor, tinyConvNet } from './test-models.js';

const RANGES = new Map([
  ['x', { min: -1, max: 1.55 }],
  ['add_out', { min: -2, max: 2.55 }],
  ['relu_out', { min: 0, max: 2.55 }],
  ['pool_out', { min: 0, max: 2.55 }],
  ['flat_out', { min: 0, max: 2.55 }],
  ['y', { min: -3, max: 3 }],
]);

function scalarOf(n: Node, i: number): number {
  return Number(n.inputs[i]!.const!.values()[0]);
}

describe('insertQdq', () => {
  it('wraps Conv and Gemm in the full DQ -> op -> Q pattern', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const report = insertQdq(m, RANGES, { minInputChannels: 0, minChannels: 0 });
    checkModel(m);
    const ops = [...m.graph].map((n) => n.opType);
    expect(ops.filter((o) => o === 'Relu')).toEqual([]);
    expect(report.reluFused).toBe(1);
    expect(report.passThrough).toBe(2);
    expect(report.layers.map((l) => [l.opType, l.weightAxis])).toEqual([
      ['Conv', 0],
      ['Gemm', 0],
    ]);
    const g = m.graph;
    const conv = [...g].find((n) => n.opType === 'Conv')!;
    // input: x -> Q -> DQ -> Conv
    const xdq = conv.inputs[0]!.producer()!;
    expect(xdq.opType).toBe('DequantizeLinear');
    const xq = xdq.inputs[0]!.producer()!;
    expect(xq.opType).toBe('QuantizeLinear');
    expect(xq.inputs[0]!.name).toBe('x');
    expect(scalarOf(xq, 1)).toBeCloseTo(0.01, 7);
    expect(scalarOf(xq, 2)).toBe(100);
    expect(xq.inputs[2]!.const!.dtype).toBe('uint8');
    // weight: int8, per output channel (axis 0)
    const wdq = conv.inputs[1]!.producer()!;
    expect(wdq.opType).toBe('DequantizeLinear');
    expect(wdq.getInt('axis')).toBe(0);
    expect(wdq.inputs[0]!.const!.dtype).toBe('int8');
    expect(wdq.inputs[1]!.const!.shape).toEqual([3]);
    // bias: int32 with scale s_x * s_w
    const bdq = conv.inputs[2]!.producer()!;
    expect(bdq.inputs[0]!.const!.dtype).toBe('int32');
    const sw = wdq.inputs[1]!.const!.toFloat32();
    const sb = bdq.inputs[1]!.const!.toFloat32();
    const sx = scalarOf(xq, 1);
    for (let c = 0; c < 3; c++) expect(sb[c]).toBe(Math.fround(sx * sw[c]!));
    // output: Conv -> Q (Relu range, zero point 0) -> DQ -> MaxPool
    const [use] = conv.outputs[0]!.uses();
    expect(use!.node.opType).toBe('QuantizeLinear');
    expect(conv.outputs[0]!.uses().length).toBe(1);
    expect(scalarOf(use!.node, 2)).toBe(0);
    expect(scalarOf(use!.node, 1)).toBeCloseTo(0.01, 7);
    // MaxPool and Reshape get the same scale value objects as their input (onnxruntime drops these pairs)
    const pool = [...g].find((n) => n.opType === 'MaxPool')!;
    const poolQ = pool.outputs[0]!.uses()[0]!.node;
    expect(poolQ.opType).toBe('QuantizeLinear');
    expect(poolQ.inputs[1]).toBe(use!.node.inputs[1]);
    // Gemm weight per output column: stored transposed [5, 12] (transB = 1, what onnxruntime fuses), axis 0;
    // its float output is the graph output (no Q/DQ there)
    const gemm = [...g].find((n) => n.opType === 'Gemm')!;
    expect(gemm.getInt('transB')).toBe(1);
    expect(gemm.inputs[1]!.producer()!.getInt('axis')).toBe(0);
    expect(gemm.inputs[1]!.producer()!.inputs[0]!.const!.shape).toEqual([5, 12]);
    const out = g.outputs[0]!;
    expect(out.name).toBe('y');
    expect(out.producer()).toBe(gemm);
    expect(gemm.inputs[0]!.producer()!.opType).toBe('DequantizeLinear');
    // No float weights left: every float32 initializer is a scale
    const floats = g.initializers().filter((v) => v.const!.dtype === 'float32');
    expect(floats.every((v) => v.name.endsWith('_scale'))).toBe(true);
  });
  it('keeps excluded nodes and per-tensor weights when asked', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const report = insertQdq(m, RANGES, { perChannel: false, exclude: ['conv'], minInputChannels: 0, minChannels: 0 });
    checkModel(m);
    expect(report.layers.map((l) => [l.opType, l.weightAxis])).toEqual([['Gemm', undefined]]);
    const gemm = [...m.graph].find((n) => n.opType === 'Gemm')!;
    expect(gemm.inputs[1]!.producer()!.getInt('axis')).toBeUndefined();
    expect([...m.graph].some((n) => n.opType === 'Relu')).toBe(true);
  });
  it('leaves convs with few input channels in float by default', () => {
    const m = tinyConvNet();
    prepareForQuantization(m);
    const report = insertQdq(m, RANGES);
    checkModel(m);
    expect(report.layers.map((l) => l.opType)).toEqual(['Gemm']);
    const conv = [...m.graph].find((n) => n.opType === 'Conv')!;
    expect(conv.inputs[1]!.const!.dtype).toBe('float32');
    // the quantization starts after MaxPool/Reshape, in front of the Gemm
    const gemm = [...m.graph].find((n) => n.opType === 'Gemm')!;
    expect(gemm.inputs[0]!.producer()!.inputs[0]!.producer()!.opType).toBe('QuantizeLinear');
    expect(gemm.inputs[0]!.producer()!.inputs[0]!.producer()!.inputs[0]!.name).toBe('flat_out');
  });
  it('never writes a zero, NaN or Inf scale (NaN/Inf weights, all-zero channels, constant activations)', () => {
    const m = tinyConvNet();
    // channel 0 all zero, channel 1 with NaN and Inf, channel 2 normal
    m.graph.setConst(m.graph.value('W')!, float32Tensor([3, 2, 1, 1], [0, 0, NaN, Infinity, 0.5, -0.25]));
    prepareForQuantization(m);
    const ranges = new Map(RANGES);
    ranges.set('relu_out', { min: 0, max: 0 }); // a dead Relu: constant zero activation
    insertQdq(m, ranges, { minInputChannels: 0, minChannels: 0 });
    checkModel(m);
    const scales = m.graph.initializers().filter((v) => v.name.endsWith('_scale'));
    expect(scales.length).toBeGreaterThan(4);
    for (const v of scales)
      for (const s of v.const!.toFloat32()) expect(Number.isFinite(s) && s > 0, v.name).toBe(true);
    const conv = [...m.graph].find((n) => n.opType === 'Conv')!;
    const wdq = conv.inputs[1]!.producer()!;
    expect([...wdq.inputs[1]!.const!.toFloat32()].slice(0, 1)).toEqual([1]);
    // NaN -> zero point (0), Inf on a channel whose finite range is empty -> saturates at 127
    expect([...wdq.inputs[0]!.const!.values()]).toEqual([0, 0, 0, 127, 127, -64]);
  });
  it('moves a float Relu after the MaxPool in front of a quantized conv', () => {
    // x[1,1,8,8] -> conv a (1 input channel: stays float) -> Relu -> MaxPool -> conv b (quantized)
    const m = new Model();
    const g = m.graph;
    const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 1, 8, 8] });
    const a = g.addNode({
      opType: 'Conv',
      name: 'a',
      inputs: [x, g.addInitializer('wa', randomTensor([4, 1, 1, 1], 1))],
      outputs: ['a_out'],
    });
    const r = g.addNode({ opType: 'Relu', name: 'r', inputs: [a.outputs[0]!], outputs: ['r_out'] });
    const p = g.addNode({
      opType: 'MaxPool',
      name: 'p',
      inputs: [r.outputs[0]!],
      outputs: ['p_out'],
      attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
    });
    const b = g.addNode({
      opType: 'Conv',
      name: 'b',
      inputs: [p.outputs[0]!, g.addInitializer('wb', randomTensor([4, 4, 1, 1], 2))],
      outputs: ['y'],
    });
    g.setOutputs([b.outputs[0]!]);
    const report = insertQdq(
      m,
      new Map([
        ['x', { min: 0, max: 1 }],
        ['p_out', { min: 0, max: 2 }],
        ['y', { min: -1, max: 1 }],
      ]),
      { minChannels: 0 },
    );
    checkModel(m);
    expect(report.reluMoved).toBe(1);
    expect(report.layers.map((l) => l.node)).toEqual(['b']);
    expect(p.inputs[0]!.name).toBe('a_out');
    const relu = p.outputs[0]!.uses()[0]!.node;
    expect(relu.opType).toBe('Relu');
    expect(relu.outputs[0]!.name).toBe('p_out');
    expect(relu.outputs[0]!.uses()[0]!.node.opType).toBe('QuantizeLinear');
    expect([...g].map((n) => n.opType)).toEqual([
      'Conv',
      'MaxPool',
      'Relu',
      'QuantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'Conv',
    ]);
    // b writes the graph output: its result stays float (see the next test)
    expect(b.outputs[0]!.isGraphOutput()).toBe(true);
  });

  it('keeps what reaches a graph output float: a head conv through Reshape, a Gemm through Sigmoid', () => {
    // x -> conv a -> conv head -> Reshape -> boxes;  a -> GlobalAveragePool -> Flatten -> Gemm -> Sigmoid -> score
    const m = new Model();
    const g = m.graph;
    const x = g.addInput('x', { kind: 'tensor', dtype: 'float32', shape: [1, 4, 4, 4] });
    const conv = (name: string, input: Value, seed: number) =>
      g.addNode({
        opType: 'Conv',
        name,
        inputs: [input, g.addInitializer(`${name}_w`, randomTensor([4, 4, 1, 1], seed))],
        outputs: [`${name}_out`],
      }).outputs[0]!;
    const a = conv('a', x, 1);
    const head = conv('head', a, 2);
    const shape = g.addInitializer('shape', int64Tensor([2], [1, 64]));
    const boxes = g.addNode({ opType: 'Reshape', name: 'r', inputs: [head, shape], outputs: ['boxes'] }).outputs[0]!;
    const gap = g.addNode({ opType: 'GlobalAveragePool', name: 'gap', inputs: [a], outputs: ['gap_out'] }).outputs[0]!;
    const flat = g.addNode({ opType: 'Flatten', name: 'f', inputs: [gap], outputs: ['flat_out'] }).outputs[0]!;
    const fc = g.addNode({
      opType: 'Gemm',
      name: 'fc',
      inputs: [flat, g.addInitializer('fc_w', randomTensor([1, 4], 3))],
      outputs: ['fc_out'],
      attributes: { transB: attr.int(1) },
    }).outputs[0]!;
    const score = g.addNode({ opType: 'Sigmoid', name: 's', inputs: [fc], outputs: ['score'] }).outputs[0]!;
    g.setOutputs([boxes, score]);
    const names = ['x', 'a_out', 'head_out', 'boxes', 'gap_out', 'flat_out', 'fc_out', 'score'];
    insertQdq(m, new Map(names.map((n) => [n, { min: -1, max: 1 }])), { minChannels: 0 });
    checkModel(m);
    const quantized = (name: string) =>
      g
        .value(name)!
        .uses()
        .some((u) => u.node.opType === 'QuantizeLinear');
    expect(quantized('a_out')).toBe(true); // inner layer: int8 in and out
    for (const name of ['head_out', 'fc_out']) expect(quantized(name), name).toBe(false);
    expect(g.outputs.map((v) => v.producer()!.opType)).toEqual(['Reshape', 'Sigmoid']);
    // both layers still read int8 weights and inputs
    for (const name of ['head', 'fc']) {
      const n = [...g].find((k) => k.name === name)!;
      expect(n.inputs[0]!.producer()!.opType).toBe('DequantizeLinear');
      expect(n.inputs[1]!.producer()!.opType).toBe('DequantizeLinear');
    }
  });
});
