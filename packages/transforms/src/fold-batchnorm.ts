// BatchNormalization folding: Conv/Gemm followed by an inference-mode BatchNormalization becomes
// the Conv/Gemm alone, with the normalisation folded into its weight and bias.
import type { Graph, Model, Node, Value } from '@enxuto/ir';
import { bypassNode, constOf, dropUnusedInitializers, setConstInput } from './graph-utils.js';
import { batchNormScaleShift, foldBias, scaleAlongAxis } from './kernels/batchnorm.js';

/** Folds `bn` into its producer when the pattern applies; false (and no change) otherwise. */
function tryFold(g: Graph, bn: Node, touched: (Value | null)[]): boolean {
  if (bn.opType !== 'BatchNormalization' || bn.domain !== '') return false;
  if (bn.outputs.filter((o) => o).length !== 1 || bn.getInt('training_mode', 0) !== 0 || bn.getInt('spatial', 1) !== 1)
    return false;
  const x = bn.input(0);
  const producer = x?.producer();
  if (!x || !producer || producer.graph !== g || x.isGraphOutput()) return false;
  if (!x.uses().every((u) => u.node === bn)) return false;
  if (producer.opType !== 'Conv' && producer.opType !== 'Gemm') return false;
  if (producer.domain !== '' || producer.outputs.length !== 1) return false;
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => constOf(bn.input(i)));
  if (!gamma || !beta || !mean || !variance) return false;
  if (![gamma, beta, mean, variance].every((t) => t.dtype === 'float32' && t.size === gamma.size)) return false;
  const w = constOf(producer.input(1));
  if (w?.dtype !== 'float32') return false;
  const channels = gamma.size;
  const { scale, shift } = batchNormScaleShift({
    gamma: gamma.toFloat32(),
    beta: beta.toFloat32(),
    mean: mean.toFloat32(),
    variance: variance.toFloat32(),
    epsilon: bn.getFloat('epsilon', 1e-5),
  });
  const wShape = [...w.shape];
  touched.push(producer.input(1), producer.input(2));
  if (producer.opType === 'Conv') {
    if (wShape[0] !== channels) return false;
    const b = producer.input(2);
    const bias = b ? constOf(b) : undefined;
    if (b && (bias?.dtype !== 'float32' || bias.size !== channels)) return false;
    setConstInput(
      g,
      producer,
      1,
      wShape,
      scaleAlongAxis(w.toFloat32(), scale, 1, w.size / channels),
      `${producer.input(1)!.name}_bnfolded`,
    );
    setConstInput(
      g,
      producer,
      2,
      [channels],
      foldBias(bias?.toFloat32(), scale, shift),
      `${producer.name || 'conv'}_bias_bnfolded`,
    );
  } else {
    // Gemm: Y = alpha * A' * B' + beta * C, output channels are the columns of Y.
    if (wShape.length !== 2 || producer.getInt('transA', 0) !== 0) return false;
    const transB = producer.getInt('transB', 0) === 1;
    if ((transB ? wShape[0] : wShape[1]) !== channels) return false;
    const betaAttr = producer.getFloat('beta', 1);
    const c = producer.input(2);
    const cT = c ? constOf(c) : undefined;
    if (c && (cT?.dtype !== 'float32' || !(cT.size === channels || cT.size === 1) || cT.shape.length > 2)) return false;
    if (cT && cT.shape.length === 2 && cT.shape[0] !== 1) return false;
    const cVals = cT ? cT.toFloat32() : undefined;
    const bias = new Float32Array(channels);
    for (let j = 0; j < channels; j++) bias[j] = cVals ? betaAttr * cVals[cVals.length === 1 ? 0 : j]! : 0;
    const folded = transB
      ? scaleAlongAxis(w.toFloat32(), scale, 1, wShape[1]!)
      : scaleAlongAxis(w.toFloat32(), scale, wShape[0]!, 1);
    setConstInput(g, producer, 1, wShape, folded, `${producer.input(1)!.name}_bnfolded`);
    // alpha multiplies only A*B, so it stays; the bias absorbs beta and the shift.
    setConstInput(g, producer, 2, [channels], foldBias(bias, scale, shift), `${producer.name || 'gemm'}_bias_bnfolded`);
    producer.setAttr('beta', { type: 'float', value: 1 });
  }
  touched.push(...bn.inputs.slice(1));
  bypassNode(g, bn, producer.output(0));
  return true;
}

/** Folds every foldable BatchNormalization of the main graph in place. */
export function foldBatchNorm(model: Model): { folded: number; removedInitializers: number } {
  let folded = 0;
  const g = model.graph;
  const touched: (Value | null)[] = [];
  for (const node of [...g.topologicalOrder()]) {
    if (!node.isRemoved() && tryFold(g, node, touched)) folded++;
  }
  const removedInitializers = dropUnusedInitializers(g, touched);
  return { folded, removedInitializers };
}
