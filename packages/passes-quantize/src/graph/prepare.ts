// Pieces of graph preparation the float passes (equalization, bias correction, dynamic) still use on
// their own: constant weights that are initializers and biases inside Conv/Gemm.
import {
  attr,
  constOf,
  dropUnusedInitializers,
  reshapeTarget,
  reshapeTensor,
  soleConsumer,
  tensorFromValues,
  type Graph,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';

/** Replaces Reshape(constant, constant shape) by the reshaped constant. */
export function foldConstantReshapes(g: Graph): number {
  let folded = 0;
  for (const n of [...g]) {
    if (n.opType !== 'Reshape' || n.domain !== '') continue;
    const data = constOf(n.inputs[0]);
    const shapeT = constOf(n.inputs[1]);
    const out = n.outputs[0];
    if (!data || !shapeT || !out || n.getInt('allowzero', 0) !== 0) continue;
    const spec = Array.from(shapeT.values() as ArrayLike<number | bigint>, (x) => Number(x));
    const shape = reshapeTarget(data.shape, data.size, spec);
    if (!shape) continue;
    replaceWithConst(g, n, out, reshapeTensor(data, shape));
    dropUnusedInitializers(g, [n.inputs[0]]);
    folded++;
  }
  return folded;
}

function replaceWithConst(g: Graph, n: Node, out: Value, t: ReturnType<typeof reshapeTensor>): void {
  const ins = [...n.inputs];
  const name = out.name;
  const tmp = g.addInitializer(g.uniqueName(`${name}_folded`), t);
  g.replaceAllUsesWith(out, tmp);
  g.remove(n);
  g.rename(tmp, name);
  for (const v of ins) dropUnusedInitializers(g, [v]);
}

/** Moves `Add(Conv(x, W), B)` with a per-channel constant B into the Conv's bias. */
export function foldConvBiasAdds(g: Graph): number {
  let folded = 0;
  for (const conv of [...g]) {
    if (conv.opType !== 'Conv' || conv.domain !== '') continue;
    const w = constOf(conv.inputs[1]);
    const y = conv.outputs[0];
    if (!w || !y) continue;
    const add = soleConsumer(y);
    if (add?.opType !== 'Add' || add.domain !== '') continue;
    const other = add.inputs[0] === y ? add.inputs[1] : add.inputs[0];
    const b = constOf(other);
    const m = w.shape[0]!;
    // A per-channel bias has shape [M], [M,1,...] or [1,M,1,...]: M elements, all other dims 1, not on the last axis unless rank 1.
    if (!b || b.size !== m || b.dtype !== 'float32' || !isChannelVector(b.shape, m, w.shape.length)) continue;
    const bias = Float32Array.from(b.toFloat32());
    const old = constOf(conv.inputs[2]);
    if (conv.inputs[2] && !old) continue;
    if (old) {
      const prev = old.toFloat32();
      for (let c = 0; c < m; c++) bias[c]! += prev[c]!;
    }
    const oldBias = conv.inputs[2];
    const bv = g.addInitializer(g.uniqueName(`${conv.label()}_bias`), tensorFromValues('float32', [m], bias));
    g.setInput(conv, 2, bv);
    dropUnusedInitializers(g, [oldBias ?? undefined]);
    fuseAway(g, add, y);
    dropUnusedInitializers(g, [other]);
    folded++;
  }
  return folded;
}

function isChannelVector(shape: readonly number[], m: number, rank: number): boolean {
  // A 1-D [M] broadcasts along the last (spatial) axis: per-channel only when M is 1.
  if (shape.length === 1) return m === 1;
  // Broadcast aligns trailing dims: channel must sit at dim 1 of the rank-`rank` output.
  const lead = rank - shape.length;
  return shape.every((d, i) => (i + lead === 1 ? d === m : d === 1)) && lead <= 1;
}

/** Removes `node` (whose result equals `keep`) and gives `keep` the name of its output. */
function fuseAway(g: Graph, node: Node, keep: Value): void {
  const out = node.outputs[0]!;
  const name = out.name;
  const type = out.type;
  g.replaceAllUsesWith(out, keep);
  g.remove(node);
  g.rename(keep, name);
  if (type) keep.type = type;
}

/** Rank of a value when it can be told without shape inference. */
export function knownRank(v: Value): number | undefined {
  if (v.shape) return v.shape.length;
  const p = v.producer();
  if (!p) return undefined;
  if (p.opType === 'Flatten') return 2;
  if (p.opType === 'Reshape') return constOf(p.inputs[1])?.size;
  if (p.opType === 'Gemm') return 2;
  return undefined;
}

/** `Add(MatMul(A, W), B)` with 2-D A, 2-D constant W [K,N] and B of N elements becomes `Gemm(A, W, B)`. */
export function foldMatMulAddToGemm(g: Graph): number {
  let folded = 0;
  for (const mm of [...g]) {
    if (mm.opType !== 'MatMul' || mm.domain !== '') continue;
    const a = mm.inputs[0];
    const w = constOf(mm.inputs[1]);
    const y = mm.outputs[0];
    if (!a || !w || !y || w.shape.length !== 2 || knownRank(a) !== 2) continue;
    const add = soleConsumer(y);
    if (add?.opType !== 'Add' || add.domain !== '') continue;
    const other = add.inputs[0] === y ? add.inputs[1] : add.inputs[0];
    const b = constOf(other);
    const n = w.shape[1]!;
    if (b?.dtype !== 'float32' || b.size !== n || !(b.shape.length === 1 || (b.shape.length === 2 && b.shape[0] === 1)))
      continue;
    const bv = g.addInitializer(g.uniqueName(`${mm.label()}_bias`), reshapeTensor(b, [n]));
    const gemm = g.insertBefore(mm, {
      opType: 'Gemm',
      name: mm.name ? `${mm.name}_gemm` : '',
      inputs: [a, mm.inputs[1]!, bv],
      outputs: [g.uniqueName(`${y.name}_gemm`)],
      attributes: { alpha: attr.float(1), beta: attr.float(1) },
    });
    const gy = gemm.outputs[0]!;
    g.replaceAllUsesWith(y, gy);
    g.remove(mm);
    fuseAway(g, add, gy);
    dropUnusedInitializers(g, [other]);
    folded++;
  }
  return folded;
}

/**
 * Old (IR < 4) models list every initializer as a graph input too, which makes weights overridable
 * at run time and so not constants. Quantized weights must be constants: make them plain initializers.
 */
export function detachInitializerInputs(g: Graph): number {
  const both = g.inputs.filter((v) => v.isInitializer());
  for (const v of both) g.removeInput(v);
  return both.length;
}

// The graph preparation itself is @enxuto/transforms' (opset upgrade, constant and affine folding,
// layout clean-up); the helpers above remain for the passes that only need part of it.
export { prepareForQuantization, type PrepareStats as PrepareReport } from '@enxuto/transforms';

/** Semantics-preserving clean-up before float rewrites: constant weights, biases inside Conv/Gemm. */
export function prepareFloat(m: Model): void {
  detachInitializerInputs(m.graph);
  foldConstantReshapes(m.graph);
  foldConvBiasAdds(m.graph);
  foldMatMulAddToGemm(m.graph);
}
