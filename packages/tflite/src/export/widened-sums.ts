// The TFLite -> ONNX lowering widens a quantized MEAN/SUM to double (Cast -> Reduce -> Cast),
// because onnxruntime's float32 sum of a large image drifts while TFLite's integer sum is exact.
// TFLite's own MEAN/SUM kernels are that exact sum, so on export the widening comes off again
// and the reduction sees (and may stay fused with) its quantized input.
import { cloneModel, tensorType, type Model, type Node } from '@enxuto/ir';

const DOUBLE = 11;
const FLOAT = 1;
const SUMS = new Set(['ReduceMean', 'ReduceSum']);

const soleUser = (n: Node): Node | undefined => {
  const uses = n.output().uses();
  return uses.length === 1 && !n.output().isGraphOutput() ? uses[0]!.node : undefined;
};

/** The [widen, reduce, narrow] triple starting at `n`, if it is one (untyped values: as lowered). */
function widenedSum(n: Node): [Node, Node, Node] | undefined {
  if (n.opType !== 'Cast' || n.getInt('to', 0) !== DOUBLE || (n.input(0)?.dtype ?? 'float32') !== 'float32')
    return undefined;
  const reduce = soleUser(n);
  if (reduce === undefined || !SUMS.has(reduce.opType) || reduce.input(0) !== n.output()) return undefined;
  const narrow = soleUser(reduce);
  if (narrow?.opType !== 'Cast' || narrow.getInt('to', 0) !== FLOAT) return undefined;
  return [n, reduce, narrow];
}

/** `model` without the double widening around sums (a copy when there is any; else `model`). */
export function narrowWidenedSums(model: Model): Model {
  if (![...model.graph].some((n) => widenedSum(n) !== undefined)) return model;
  const m = cloneModel(model);
  const g = m.graph;
  for (const n of [...g]) {
    const triple = widenedSum(n);
    if (triple === undefined) continue;
    const [widen, reduce, narrow] = triple;
    const y = narrow.output();
    const name = y.name;
    g.setInput(reduce, 0, widen.input(0));
    reduce.output().type = tensorType('float32', y.shape);
    g.replaceAllUsesWith(y, reduce.output());
    g.remove([narrow, widen]);
    if (reduce.output().isGraphOutput()) g.rename(reduce.output(), name);
  }
  return m;
}
