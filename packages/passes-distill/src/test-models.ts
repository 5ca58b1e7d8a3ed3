// Small models for the tests: a demo-like MLP with BatchNormalization and Dropout, a tiny CNN
// flattened into a Gemm, and a residual MLP whose inner width cannot shrink.
import { attr, float32Tensor, int64Tensor, Model, tensorType } from '@enxuto/ir';
import { createDataset, type Dataset } from '@enxuto/pass';
import { initWeights } from './kernels/init.js';
import { seededRandom } from '@enxuto/train';

const r = seededRandom(11);
const w = (fanIn: number, shape: number[]) =>
  float32Tensor(
    shape,
    initWeights(
      'he',
      fanIn,
      0,
      shape.reduce((a, b) => a * b, 1),
      r,
    ),
  );
const fill = (n: number, v: number) => float32Tensor([n], new Float32Array(n).fill(v));

/** x[N,16] -> Gemm(24) -> BN -> Relu -> Dropout -> Gemm(transB, 4). */
export function bnMlp(): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', ['N', 16]));
  let y = g
    .addNode({
      opType: 'Gemm',
      name: 'fc1',
      inputs: [x, g.addInitializer('w1', w(16, [16, 24])), g.addInitializer('b1', fill(24, 0.1))],
      outputs: ['h1'],
    })
    .output(0);
  y.type = tensorType('float32', ['N', 24]);
  const bn = ['scale', 'bias', 'mean', 'var'].map((n, i) =>
    g.addInitializer(`bn.${n}`, fill(24, i === 0 || i === 3 ? 1.5 : 0.2)),
  );
  y = g.addNode({ opType: 'BatchNormalization', name: 'bn', inputs: [y, ...bn], outputs: ['n1'] }).output(0);
  y = g.addNode({ opType: 'Relu', name: 'relu', inputs: [y], outputs: ['r1'] }).output(0);
  y = g.addNode({ opType: 'Dropout', name: 'drop', inputs: [y], outputs: ['d1'] }).output(0);
  y = g
    .addNode({
      opType: 'Gemm',
      name: 'fc2',
      inputs: [y, g.addInitializer('w2', w(24, [4, 24])), g.addInitializer('b2', fill(4, 0))],
      outputs: ['logits'],
      attributes: { transB: attr.int(1) },
    })
    .output(0);
  y.type = tensorType('float32', ['N', 4]);
  g.addOutput(y);
  return m;
}

/** x[N,1,6,6] -> Conv(8, 3x3, pad 1) -> Add(bias [8,1,1]) -> Relu -> MaxPool 2 -> Reshape [0,-1] -> Gemm(3). */
export function tinyCnn(): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', ['N', 1, 6, 6]));
  let y = g
    .addNode({
      opType: 'Conv',
      name: 'conv',
      inputs: [x, g.addInitializer('cw', w(9, [8, 1, 3, 3]))],
      outputs: ['c'],
      attributes: { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) },
    })
    .output(0);
  y.type = tensorType('float32', ['N', 8, 6, 6]);
  y = g
    .addNode({
      opType: 'Add',
      name: 'bias',
      inputs: [y, g.addInitializer('cb', float32Tensor([8, 1, 1], new Float32Array(8).fill(0.1)))],
      outputs: ['cb.out'],
    })
    .output(0);
  y.type = tensorType('float32', ['N', 8, 6, 6]);
  y = g.addNode({ opType: 'Relu', inputs: [y], outputs: ['cr'] }).output(0);
  y.type = tensorType('float32', ['N', 8, 6, 6]);
  y = g
    .addNode({
      opType: 'MaxPool',
      inputs: [y],
      outputs: ['p'],
      attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
    })
    .output(0);
  y.type = tensorType('float32', ['N', 8, 3, 3]);
  y = g
    .addNode({ opType: 'Reshape', inputs: [y, g.addInitializer('flat', int64Tensor([2], [0, -1]))], outputs: ['f'] })
    .output(0);
  y = g
    .addNode({
      opType: 'Gemm',
      name: 'fc',
      inputs: [y, g.addInitializer('fw', w(72, [72, 3])), g.addInitializer('fb', fill(3, 0))],
      outputs: ['logits'],
    })
    .output(0);
  g.addOutput(y);
  return m;
}

/** x[N,8] -> Gemm(8) -> Relu -> Add(x) -> Gemm(2): the residual keeps the first layer's width. */
export function residualMlp(): Model {
  const m = new Model();
  m.opsetImports.set('', 17);
  const g = m.graph;
  const x = g.addInput('x', tensorType('float32', ['N', 8]));
  let y = g
    .addNode({ opType: 'Gemm', name: 'fc1', inputs: [x, g.addInitializer('w1', w(8, [8, 8]))], outputs: ['h'] })
    .output(0);
  y = g.addNode({ opType: 'Relu', inputs: [y], outputs: ['r'] }).output(0);
  y = g.addNode({ opType: 'Add', name: 'skip', inputs: [y, x], outputs: ['s'] }).output(0);
  y = g
    .addNode({ opType: 'Gemm', name: 'fc2', inputs: [y, g.addInitializer('w2', w(8, [8, 2]))], outputs: ['logits'] })
    .output(0);
  g.addOutput(y);
  return m;
}

/** 64 samples of 4 features; the class is the index of the largest feature. */
export function argmaxDataset(): Dataset {
  return createDataset({
    description: 'toy',
    size: 64,
    shape: [4],
    hasLabels: true,
    numClasses: 4,
    sample: (i) => {
      const input = Float32Array.from({ length: 4 }, (_, k) => Math.sin(i * 1.7 + k * 2.3));
      return { input, label: input.indexOf(Math.max(...input)) };
    },
  });
}
