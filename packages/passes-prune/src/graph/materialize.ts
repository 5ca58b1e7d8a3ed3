// Older ONNX exports feed a weight through Reshape(constant, constant). Structured pruning needs
// the weight itself as an initializer, so such Reshapes are folded into a new initializer.
import { reshapeTensor, type Graph } from '@enxuto/ir';

/** Folds Reshape(const, const) weight inputs of Conv/Gemm/MatMul; returns how many. */
export function materializeReshapedWeights(g: Graph): number {
  let count = 0;
  for (const node of g.topologicalOrder()) {
    if (node.domain !== '' || !['Conv', 'Gemm', 'MatMul'].includes(node.opType)) continue;
    const w = node.input(1);
    const r = w?.producer();
    if (!w || !r || r.opType !== 'Reshape' || r.domain !== '') continue;
    const data = r.input(0);
    const shapeV = r.input(1);
    if (!data?.isInitializer() || !shapeV?.isInitializer()) continue;
    const t = data.const!;
    const spec = [...shapeV.const!.values()].map(Number);
    const known = spec.map((d, i) => (d === 0 ? t.shape[i]! : d));
    const rest = known.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const shape = known.map((d) => (d === -1 ? t.size / rest : d));
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || shape.reduce((a, b) => a * b, 1) !== t.size) continue;
    const v = g.addInitializer(g.uniqueName(`${data.name}_reshaped`), reshapeTensor(t, shape));
    g.replaceAllUsesWith(w, v);
    if (r.outputs.every((o) => !o || (o.uses().length === 0 && !o.isGraphOutput()))) {
      g.remove(r);
      for (const inp of [data, shapeV])
        if (inp.uses().length === 0 && !inp.isGraphOutput() && !inp.isGraphInput()) g.removeValue(inp);
    }
    count++;
  }
  return count;
}
