// Constant subgraphs are evaluated at export time (TFLite gets their results as buffers): weight
// reshapes (mnist-8's Parameter193), shape arithmetic (Shape -> Gather -> Concat -> Reshape),
// Constant nodes and DequantizeLinear of integer weights.
import { reshapeTensor, tensorFromValues, type Node, type Tensor } from '@enxuto/ir';
import { evaluateOp } from '@enxuto/transforms';
import type { ExportContext } from './context.js';
import { normAxis } from './layout.js';
import { targetShape } from './ops-shape.js';
import { foldConstDequantize } from './qdq.js';
import { permuteData } from './weights.js';

export const FOLDABLE = new Set([
  'Constant',
  'Identity',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Cast',
  'Shape',
  'Gather',
  'Concat',
  'Dropout',
]);

/** ONNX TensorProto codes Cast may target here. */
const CAST_TARGETS: Record<number, 'float32' | 'int32' | 'int64'> = { 1: 'float32', 6: 'int32', 7: 'int64' };

function numbers(t: Tensor): number[] {
  return Array.from(t.values() as ArrayLike<number | bigint>, Number);
}

/** Evaluates `node` when all its inputs are constant; returns false when it is not foldable. */
export function tryFold(ctx: ExportContext, node: Node, opset: number): boolean {
  if (node.domain !== '') return false;
  if (node.opType === 'DequantizeLinear') return foldConstDequantize(ctx, node);
  if (node.opType === 'Shape') {
    if (!ctx.has(node.input(0)!) && ctx.constOf(node.input(0)) === undefined) return false;
    const shape =
      ctx.constOf(node.input(0)) !== undefined
        ? [...ctx.constOf(node.input(0))!.shape]
        : ctx.rep(node.input(0)!, node).shape;
    const start = node.getInt('start', 0);
    const end = node.getInt('end', shape.length);
    ctx.setConst(
      node.output(),
      tensorFromValues('int64', [shape.slice(start, end).length], shape.slice(start, end).map(BigInt)),
    );
    return true;
  }
  if (!FOLDABLE.has(node.opType)) return foldGeneric(ctx, node);
  const inputs = node.inputs.filter((v) => v !== null);
  if (node.opType === 'Constant') {
    const t = node.getTensor('value');
    if (t === undefined) return false;
    ctx.setConst(node.output(), t);
    return true;
  }
  if (node.opType === 'Reshape' || node.opType === 'Squeeze' || node.opType === 'Unsqueeze') {
    const t = ctx.constOf(node.input(0));
    if (t === undefined) return false;
    ctx.setConst(node.output(), reshapeTensor(t, targetShape(ctx, node, t.shape, opset)));
    return true;
  }
  const consts = inputs.map((v) => ctx.constOf(v));
  if (consts.some((t) => t === undefined)) return false;
  const ts = consts as Tensor[];
  const t = ts[0]!;
  let out: Tensor;
  switch (node.opType) {
    case 'Identity':
    case 'Dropout':
      out = t;
      break;
    case 'Flatten':
      out = reshapeTensor(t, targetShape(ctx, node, t.shape, opset));
      break;
    case 'Transpose': {
      const perm = node.getInts(
        'perm',
        t.shape.map((_, i) => t.shape.length - 1 - i),
      );
      out = tensorFromValues(
        'float32',
        perm.map((p) => t.shape[p]!),
        permuteData(t.toFloat32(), t.shape, perm),
      );
      if (t.dtype !== 'float32') return false;
      break;
    }
    case 'Cast': {
      const to = CAST_TARGETS[node.getInt('to', 0)];
      if (to === undefined) return false;
      out = tensorFromValues(to, t.shape, to === 'int64' ? numbers(t).map(BigInt) : numbers(t));
      break;
    }
    case 'Gather': {
      if (t.shape.length !== 1) return false;
      const data = numbers(t);
      const idx = numbers(ts[1]!).map((i) => normAxis(i, data.length));
      const vals = idx.map((i) => data[i]!);
      out = tensorFromValues(t.dtype, [...ts[1]!.shape], t.dtype === 'int64' ? vals.map(BigInt) : vals);
      break;
    }
    case 'Concat': {
      if (ts.some((x) => x.shape.length !== t.shape.length || x.dtype !== t.dtype)) return false;
      const axis = normAxis(node.getInt('axis', 0), t.shape.length);
      const outer = t.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const parts = ts.map((x) => ({ vals: numbers(x), chunk: x.shape.slice(axis).reduce((p, d) => p * d, 1) }));
      const vals: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const p of parts) for (let i = 0; i < p.chunk; i++) vals.push(p.vals[o * p.chunk + i]!);
      const shape = [...t.shape];
      shape[axis] = ts.reduce((sum, x) => sum + x.shape[axis]!, 0);
      out = tensorFromValues(t.dtype, shape, t.dtype === 'int64' ? vals.map(BigInt) : vals);
      break;
    }
    default:
      return false;
  }
  ctx.setConst(node.output(), out);
  return true;
}

/** Any other single-output op whose inputs are all constant, by the shared folding kernels. */
function foldGeneric(ctx: ExportContext, node: Node): boolean {
  if (node.outputs.length !== 1 || node.inputs.some((v) => v !== null && ctx.constOf(v) === undefined)) return false;
  const inputs = node.inputs.map((v) => (v === null ? undefined : ctx.constOf(v)));
  const out = evaluateOp(node, inputs);
  if (out === undefined) return false;
  ctx.setConst(node.output(), out);
  return true;
}
