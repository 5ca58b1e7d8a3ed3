// The trained MLP as an IR model, exported the way training frameworks often export: with a
// BatchNormalization after the first layer, a Dropout and an Identity, which the graph passes of
// the demo pipeline then clean away.
import { attr, float32Tensor, Graph, Model, tensorType } from '@enxuto/ir';
import { forward, type Mlp } from './train-mlp.js';

const EPS = 1e-5;

/**
 * BatchNormalization parameters that are exactly the identity on the training data's hidden
 * statistics (gamma = std, beta = mean): a stand-in for a trained BN layer, so the export has the
 * structure real ones have.
 */
function identityBatchNorm(m: Mlp, xs: readonly Float32Array[]) {
  const mean = new Float64Array(m.hidden);
  const sq = new Float64Array(m.hidden);
  const pre = new Float32Array(m.hidden);
  const logits = new Float32Array(m.classes);
  for (const x of xs) {
    forward(m, x, pre, logits);
    for (let h = 0; h < m.hidden; h++) {
      mean[h]! += pre[h]!;
      sq[h]! += pre[h]! * pre[h]!;
    }
  }
  const variance = Float32Array.from(mean, (s, h) => Math.max(0, sq[h]! / xs.length - (s / xs.length) ** 2));
  const mu = Float32Array.from(mean, (s) => s / xs.length);
  const gamma = Float32Array.from(variance, (v) => Math.sqrt(v + EPS));
  return { gamma, beta: mu, mean: mu, variance };
}

export function mlpToModel(m: Mlp, xs: readonly Float32Array[]): Model {
  const g = new Graph('mnist-mlp');
  const x = g.addInput('pixels', tensorType('float32', ['batch', m.inputs]));
  const gemm1 = g.addNode({
    opType: 'Gemm',
    name: 'dense1',
    inputs: [x, g.addInitializer('dense1.weight', float32Tensor([m.inputs, m.hidden], m.w1)), g.addInitializer('dense1.bias', float32Tensor([m.hidden], m.b1))],
    outputs: ['dense1.out'],
  });
  const bn = identityBatchNorm(m, xs);
  const norm = g.addNode({
    opType: 'BatchNormalization',
    name: 'bn1',
    inputs: [
      gemm1.output(0),
      g.addInitializer('bn1.scale', float32Tensor([m.hidden], bn.gamma)),
      g.addInitializer('bn1.bias', float32Tensor([m.hidden], bn.beta)),
      g.addInitializer('bn1.mean', float32Tensor([m.hidden], bn.mean)),
      g.addInitializer('bn1.var', float32Tensor([m.hidden], bn.variance)),
    ],
    outputs: ['bn1.out'],
    attributes: { epsilon: attr.float(EPS) },
  });
  const relu = g.addNode({ opType: 'Relu', name: 'relu1', inputs: [norm.output(0)], outputs: ['relu1.out'] });
  const drop = g.addNode({ opType: 'Dropout', name: 'dropout1', inputs: [relu.output(0)], outputs: ['dropout1.out'] });
  const gemm2 = g.addNode({
    opType: 'Gemm',
    name: 'dense2',
    inputs: [drop.output(0), g.addInitializer('dense2.weight', float32Tensor([m.hidden, m.classes], m.w2)), g.addInitializer('dense2.bias', float32Tensor([m.classes], m.b2))],
    outputs: ['dense2.out'],
  });
  const out = g.addNode({ opType: 'Identity', name: 'output', inputs: [gemm2.output(0)], outputs: ['logits'] });
  out.output(0).type = tensorType('float32', ['batch', m.classes]);
  g.setOutputs([out.output(0)]);
  const model = new Model(g);
  model.opsetImports.set('', 13);
  model.irVersion = 8;
  model.producerName = 'enxuto-demo';
  return model;
}
