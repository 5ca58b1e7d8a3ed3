// Small hand-built models for tests of graph rewrites and the passes that wrap them
// (exported as @enxuto/transforms/testing).
import { attr, float32Tensor, Graph, int64Tensor, Model, tensorType } from '@enxuto/ir';

/** x[1,2,2,2] -> Conv(1x1, 2->2, bias) -> BatchNormalization -> y */
export function convBnModel(): Model {
  const g = new Graph('conv-bn');
  const x = g.addInput('x', tensorType('float32', [1, 2, 2, 2]));
  const w = g.addInitializer('w', float32Tensor([2, 2, 1, 1], [1, 2, 3, 4]));
  const b = g.addInitializer('b', float32Tensor([2], [0.5, -1]));
  const conv = g.addNode({ opType: 'Conv', name: 'conv', inputs: [x, w, b], outputs: ['c'] });
  const gamma = g.addInitializer('gamma', float32Tensor([2], [2, 0.5]));
  const beta = g.addInitializer('beta', float32Tensor([2], [1, 0]));
  const mean = g.addInitializer('mean', float32Tensor([2], [0.5, 1]));
  const variance = g.addInitializer('var', float32Tensor([2], [4 - 1e-5, 1 - 1e-5]));
  const bn = g.addNode({
    opType: 'BatchNormalization',
    name: 'bn',
    inputs: [conv.output(0), gamma, beta, mean, variance],
    outputs: ['y'],
  });
  bn.output(0).type = tensorType('float32', [1, 2, 2, 2]);
  g.setOutputs([bn.output(0)]);
  return new Model(g);
}

/** x[1,3] -> Gemm(transB=1, W[2,3], C[2]) -> BatchNormalization -> y[1,2] */
export function gemmBnModel(): Model {
  const g = new Graph('gemm-bn');
  const x = g.addInput('x', tensorType('float32', [1, 3]));
  const w = g.addInitializer('w', float32Tensor([2, 3], [1, 0, -1, 2, 1, 0]));
  const c = g.addInitializer('c', float32Tensor([2], [1, 2]));
  const gemm = g.addNode({
    opType: 'Gemm',
    name: 'gemm',
    inputs: [x, w, c],
    outputs: ['h'],
    attributes: { transB: attr.int(1), beta: attr.float(0.5) },
  });
  const ones = (v: number[]) => float32Tensor([2], v);
  const bn = g.addNode({
    opType: 'BatchNormalization',
    name: 'bn',
    inputs: [
      gemm.output(0),
      g.addInitializer('gamma', ones([3, 1])),
      g.addInitializer('beta', ones([0, 1])),
      g.addInitializer('mean', ones([1, 0])),
      g.addInitializer('var', ones([1, 1])),
    ],
    outputs: ['y'],
    attributes: { epsilon: attr.float(0) },
  });
  g.setOutputs([bn.output(0)]);
  return new Model(g);
}

/** x -> Add(x, Reshape(const, shape)) -> Identity -> y, plus a dead Relu branch and an unused initializer. */
export function foldableModel(): Model {
  const g = new Graph('foldable');
  const x = g.addInput('x', tensorType('float32', [2, 2]));
  const data = g.addInitializer('data', float32Tensor([4], [1, 2, 3, 4]));
  const shape = g.addInitializer('shape', int64Tensor([2], [2, -1]));
  const reshape = g.addNode({ opType: 'Reshape', name: 'reshape', inputs: [data, shape], outputs: ['r'] });
  const k = g.addNode({
    opType: 'Constant',
    name: 'k',
    outputs: ['k'],
    attributes: { value: attr.tensor(float32Tensor([], [10])) },
  });
  const scaled = g.addNode({ opType: 'Mul', name: 'scale', inputs: [reshape.output(0), k.output(0)], outputs: ['rs'] });
  const add = g.addNode({ opType: 'Add', name: 'add', inputs: [x, scaled.output(0)], outputs: ['a'] });
  const id = g.addNode({ opType: 'Identity', name: 'id', inputs: [add.output(0)], outputs: ['y'] });
  g.addNode({ opType: 'Relu', name: 'dead', inputs: [x], outputs: ['unused'] });
  g.addInitializer('orphan', float32Tensor([3], [0, 0, 0]));
  g.setOutputs([id.output(0)]);
  return new Model(g);
}
