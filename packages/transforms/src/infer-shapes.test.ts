import { attr, float32Tensor, Graph, int64Tensor, Model, tensorFromValues, tensorType } from '@enxuto/ir';

const int8Tensor = () => tensorFromValues('int8', [], [0]);
import { describe, expect, it } from 'vitest';
import { inferShapes, pinInputDims } from './infer-shapes.js';

/** x[N,1,28,28] -> Conv(8, 5x5, pad 2) -> MaxPool(2x2 s2) -> Flatten -> MatMul[1568,10] -> Add */
function lenet(): Model {
  const g = new Graph('lenet');
  const x = g.addInput('x', tensorType('float32', ['N', 1, 28, 28]));
  const w = g.addInitializer('w', float32Tensor([8, 1, 5, 5], new Float32Array(200)));
  const c = g
    .addNode({ opType: 'Conv', inputs: [x, w], outputs: ['c'], attributes: { pads: attr.ints([2, 2, 2, 2]) } })
    .output(0);
  const p = g
    .addNode({
      opType: 'MaxPool',
      inputs: [c],
      outputs: ['p'],
      attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
    })
    .output(0);
  const r = g
    .addNode({ opType: 'Reshape', inputs: [p, g.addInitializer('s', int64Tensor([2], [0, -1]))], outputs: ['r'] })
    .output(0);
  const mm = g
    .addNode({
      opType: 'MatMul',
      inputs: [r, g.addInitializer('k', float32Tensor([1568, 10], new Float32Array(15680)))],
      outputs: ['mm'],
    })
    .output(0);
  const y = g
    .addNode({
      opType: 'Add',
      inputs: [mm, g.addInitializer('b', float32Tensor([10], new Float32Array(10)))],
      outputs: ['y'],
    })
    .output(0);
  g.setOutputs([y]);
  return new Model(g);
}

describe('inferShapes', () => {
  it('follows Conv, MaxPool, Reshape, MatMul and Add with a symbolic batch', () => {
    const m = lenet();
    expect(inferShapes(m)).toEqual({ inferred: 5 });
    const shape = (n: string) => m.graph.value(n)!.shape;
    expect(shape('c')).toEqual(['N', 8, 28, 28]);
    expect(shape('p')).toEqual(['N', 8, 14, 14]);
    expect(shape('r')).toEqual(['N', null]);
    // Broadcasting an unknown dimension with 10 can only give 10.
    expect(shape('y')).toEqual(['N', 10]);
  });

  it('gives static shapes once the inputs are pinned', () => {
    const m = lenet();
    expect(pinInputDims(m, 1)).toEqual({ pinned: 1 });
    inferShapes(m);
    expect(m.graph.value('r')!.shape).toEqual([1, 1568]);
    expect(m.graph.value('y')!.shape).toEqual([1, 10]);
  });
});

describe('inferShapes element types', () => {
  it('gives QuantizeLinear the zero point type, DequantizeLinear and Cast their own', () => {
    const g = new Graph('q');
    const x = g.addInput('x', tensorType('float32', [2, 3]));
    const scale = g.addInitializer('scale', float32Tensor([], [0.5]));
    const zp = g.addInitializer('zp', int8Tensor());
    const q = g.addNode({ opType: 'QuantizeLinear', inputs: [x, scale, zp], outputs: ['q'] }).output(0);
    const d = g.addNode({ opType: 'DequantizeLinear', inputs: [q, scale, zp], outputs: ['d'] }).output(0);
    const c = g.addNode({ opType: 'Cast', inputs: [d], outputs: ['c'], attributes: { to: attr.int(7) } }).output(0);
    const s = g.addNode({ opType: 'Shape', inputs: [c], outputs: ['s'] }).output(0);
    g.setOutputs([s]);
    const m = new Model(g);
    expect(inferShapes(m)).toEqual({ inferred: 4 });
    expect([q, d, c, s].map((v) => [v.dtype, v.shape])).toEqual([
      ['int8', [2, 3]],
      ['float32', [2, 3]],
      ['int64', [2, 3]],
      ['int64', [2]],
    ]);
  });
});
