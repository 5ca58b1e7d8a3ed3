import { attr, float32Tensor, Graph, int64Tensor, tensorFromValues, tensorType, type Tensor } from '@enxuto/ir';
import { describe, expect, it } from 'vitest';
import { broadcastShape } from './broadcast.js';
import { evaluateOp } from './evaluate-op.js';

function node(opType: string, attributes: Record<string, ReturnType<typeof attr.int>> = {}) {
  const g = new Graph('k');
  const x = g.addInput('x', tensorType('float32', [1]));
  return g.addNode({ opType, inputs: [x], outputs: ['y'], attributes });
}

const vals = (t: Tensor | undefined) => Array.from(t!.values() as ArrayLike<number | bigint>, Number);

describe('constant-folding kernels', () => {
  it('broadcasts numpy-style', () => {
    expect(broadcastShape([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShape([2, 3], [4])).toBeUndefined();
    const r = evaluateOp(node('Add'), [float32Tensor([2, 1], [1, 2]), float32Tensor([3], [10, 20, 30])]);
    expect(r!.shape).toEqual([2, 3]);
    expect(vals(r)).toEqual([11, 21, 31, 12, 22, 32]);
  });

  it('int64 arithmetic stays int64 and refuses division by zero', () => {
    const r = evaluateOp(node('Mul'), [int64Tensor([2], [3, -4]), int64Tensor([], [5])]);
    expect(r!.dtype).toBe('int64');
    expect(vals(r)).toEqual([15, -20]);
    expect(evaluateOp(node('Div'), [int64Tensor([1], [3]), int64Tensor([1], [0])])).toBeUndefined();
  });

  it('transposes with perm and reverses without', () => {
    const t = float32Tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const r = evaluateOp(node('Transpose'), [t]);
    expect(r!.shape).toEqual([3, 2]);
    expect(vals(r)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('reshapes with 0 and -1, unsqueezes and squeezes', () => {
    const t = float32Tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(evaluateOp(node('Reshape'), [t, int64Tensor([2], [0, -1])])!.shape).toEqual([2, 3]);
    expect(evaluateOp(node('Reshape'), [t, int64Tensor([2], [-1, -1])])).toBeUndefined();
    expect(evaluateOp(node('Unsqueeze'), [t, int64Tensor([2], [0, -1])])!.shape).toEqual([1, 2, 3, 1]);
    expect(evaluateOp(node('Squeeze'), [float32Tensor([1, 3, 1], [1, 2, 3])])!.shape).toEqual([3]);
  });

  it('casts float16 weights to float32', () => {
    const half = tensorFromValues('float16', [3], [0.5, -2, 1024]);
    const r = evaluateOp(node('Cast', { to: attr.int(1) }), [half]);
    expect(r!.dtype).toBe('float32');
    expect(vals(r)).toEqual([0.5, -2, 1024]);
  });

  it('casts float to int64 by truncation', () => {
    const r = evaluateOp(node('Cast', { to: attr.int(7) }), [float32Tensor([3], [1.9, -1.9, 3])]);
    expect(r!.dtype).toBe('int64');
    expect(vals(r)).toEqual([1, -1, 3]);
  });

  it('folds the mask and range ops of attention blocks (Range, comparisons, Where, Expand, ConstantOfShape)', () => {
    const r = evaluateOp(node('Range'), [int64Tensor([], [1]), int64Tensor([], [8]), int64Tensor([], [3])]);
    expect(r!.dtype).toBe('int64');
    expect(vals(r)).toEqual([1, 4, 7]);
    const ge = evaluateOp(node('GreaterOrEqual'), [int64Tensor([3, 1], [0, 1, 2]), int64Tensor([3], [0, 1, 2])]);
    expect(ge!.dtype).toBe('bool');
    expect(vals(ge)).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 1]);
    const where = evaluateOp(node('Where'), [ge!, float32Tensor([], [0]), float32Tensor([], [-1e9])]);
    expect(vals(where).slice(0, 3)).toEqual([0, -1e9, -1e9]);
    expect(evaluateOp(node('Expand'), [float32Tensor([1, 2], [5, 6]), int64Tensor([2], [2, 1])])!.shape).toEqual([
      2, 2,
    ]);
    const g = new Graph('k');
    const fill = g.addNode({
      opType: 'ConstantOfShape',
      inputs: [g.addInput('s', tensorType('int64', [2]))],
      outputs: ['y'],
      attributes: { value: attr.tensor(int64Tensor([1], [7])) },
    });
    const c = evaluateOp(fill, [int64Tensor([2], [2, 3])]);
    expect(c!.dtype).toBe('int64');
    expect(vals(c)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(
      evaluateOp(node('Range'), [int64Tensor([], [0]), int64Tensor([], [4]), int64Tensor([], [0])]),
    ).toBeUndefined();
  });
});
