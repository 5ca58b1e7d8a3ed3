// Ops over axes: Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax on any axis, CumSum. Axes are ONNX
// axes mapped through the input's layout, so no TRANSPOSE is needed except where TFLite fixes
// the axis (SOFTMAX works on the last one).
import { attr, tensorFromValues, type Attr, type Node, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { applyLayout, identity, normAxis, type Layout } from './layout.js';
import type { ExportHandler } from './op-table.js';

/** Reduction axes of an ONNX Reduce* node (input from opset 18, attribute before; ReduceSum: 13). */
function reduceAxes(ctx: ExportContext, node: Node, rank: number, opset: number): number[] {
  const fromInput = node.opType === 'ReduceSum' ? opset >= 13 : opset >= 18;
  const axes = fromInput ? (node.input(1) === null ? undefined : ctx.intsConst(node.input(1))) : node.getInts('axes');
  if (fromInput && node.input(1) !== null && axes === undefined)
    unsupported(`${node.opType} needs constant axes`, node, 'axes');
  if (axes === undefined || axes.length === 0) {
    if (node.getInt('noop_with_empty_axes', 0) === 1) return [];
    return identity(rank);
  }
  return [...new Set(axes.map((a) => normAxis(a, rank)))].sort((a, b) => a - b);
}

/** The output layout after removing `axes` (kept dims keep their relative order). */
function layoutWithout(layout: Layout, axes: readonly number[]): number[] {
  const kept = layout.filter((d) => !axes.includes(d));
  const rank = (d: number) => d - axes.filter((a) => a < d).length;
  return kept.map(rank);
}

/** Adds one TFLite reducer over ONNX `axes` of `x`; returns the result representation. */
function reduceOp(
  ctx: ExportContext,
  tflite: string,
  x: Rep,
  axes: readonly number[],
  keep: boolean,
  name: string,
): Rep {
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const layout = keep ? x.layout : layoutWithout(x.layout, axes);
  const tflAxes = axes.map((a) => x.layout.indexOf(a));
  const out = ctx.op(
    tflite,
    [x.value, ctx.int32Const('axes', tflAxes)],
    { keep_dims: attr.int(keep ? 1 : 0) },
    applyLayout(shape, layout),
    x.value.dtype ?? 'float32',
    name,
  );
  return { value: out, shape, layout };
}

const REDUCERS: Record<string, string> = {
  ReduceMean: 'MEAN',
  ReduceSum: 'SUM',
  ReduceMax: 'REDUCE_MAX',
  ReduceMin: 'REDUCE_MIN',
  ReduceProd: 'REDUCE_PROD',
};

function exportReduce(ctx: ExportContext, node: Node, opset: number): void {
  const x = ctx.input(node.input(0)!, node);
  const axes = reduceAxes(ctx, node, x.shape.length, opset);
  const keep = node.getInt('keepdims', 1) === 1;
  const name = node.output().name;
  if (axes.length === 0) {
    ctx.bind(node.output(), x);
    return;
  }
  const squared = (v: Rep): Rep => ({
    ...v,
    value: ctx.op(
      'MUL',
      [v.value, v.value],
      { fused_activation_function: attr.string('NONE') },
      applyLayout(v.shape, v.layout),
      'float32',
      `${name}_sq`,
    ),
  });
  let r: Rep;
  switch (node.opType) {
    case 'ReduceSumSquare':
      r = reduceOp(ctx, 'SUM', squared(x), axes, keep, name);
      break;
    case 'ReduceL2': {
      const s = reduceOp(ctx, 'SUM', squared(x), axes, keep, `${name}_sumsq`);
      r = { ...s, value: ctx.op('SQRT', [s.value], {}, applyLayout(s.shape, s.layout), 'float32', name) };
      break;
    }
    default: {
      const tflite = REDUCERS[node.opType];
      if (tflite === undefined) unsupported(`${node.opType} has no TFLite reducer`, node, 'opType');
      r = reduceOp(ctx, tflite, x, axes, keep, name);
    }
  }
  ctx.bind(node.output(), r);
}

/** A layout of `x`'s dims with ONNX axis `axis` last and the others in their current order. */
function axisLast(x: Rep, axis: number): number[] {
  return [...x.layout.filter((d) => d !== axis), axis];
}

function exportSoftmax(ctx: ExportContext, node: Node, opset: number): void {
  const r0 = ctx.input(node.input(0)!, node);
  const rank = r0.shape.length;
  const axis = normAxis(node.getInt('axis', opset >= 13 ? -1 : 1), rank);
  if (opset < 13 && axis !== rank - 1) {
    // Before opset 13, Softmax flattens the dims from `axis` on into one: only the last axis maps.
    unsupported(
      `Softmax (opset ${opset}) over axis ${axis} coerces to 2-D; only the last axis is exported`,
      node,
      'axis',
    );
  }
  const x = r0.layout[rank - 1] === axis ? r0 : ctx.inLayout(r0, axisLast(r0, axis), node);
  const tflite = node.opType === 'LogSoftmax' ? 'LOG_SOFTMAX' : 'SOFTMAX';
  const attrs: Record<string, Attr> = tflite === 'SOFTMAX' ? { beta: attr.float(1) } : {};
  const out = ctx.op(tflite, [x.value], attrs, applyLayout(x.shape, x.layout), 'float32', node.output().name);
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

function exportArgExtreme(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  const rank = x.shape.length;
  const axis = normAxis(node.getInt('axis', 0), rank);
  if (node.getInt('select_last_index', 0) !== 0)
    unsupported('select_last_index=1 has no TFLite ARG_MAX/ARG_MIN form', node, 'select_last_index');
  const tflite = node.opType === 'ArgMax' ? 'ARG_MAX' : 'ARG_MIN';
  const reducedShape = x.shape.filter((_, i) => i !== axis);
  const reducedLayout = layoutWithout(x.layout, [axis]);
  const name = node.output().name;
  const keep = node.getInt('keepdims', 1) === 1;
  let v: Value = ctx.op(
    tflite,
    [x.value, ctx.int32Const('axis', [x.layout.indexOf(axis)])],
    { output_type: attr.string('INT64') },
    applyLayout(reducedShape, reducedLayout),
    'int64',
    keep ? `${name}_reduced` : name,
  );
  let rep: Rep = { value: v, shape: reducedShape, layout: reducedLayout };
  if (keep) {
    const flat = ctx.inLayout(rep, identity(reducedShape.length), node);
    const shape = x.shape.map((d, i) => (i === axis ? 1 : d));
    v = ctx.op('RESHAPE', [flat.value, ctx.int32Const('shape', shape)], {}, shape, 'int64', name);
    rep = { value: v, shape, layout: identity(rank) };
  }
  ctx.bind(node.output(), rep);
}

function exportCumSum(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  const axis = ctx.intsConst(node.input(1));
  if (axis === undefined) unsupported('CumSum needs a constant axis', node, 'axis');
  const a = normAxis(axis[0]!, x.shape.length);
  const out = ctx.op(
    'CUMSUM',
    [x.value, ctx.addConst('axis', tensorFromValues('int32', [], [x.layout.indexOf(a)]))],
    { exclusive: attr.int(node.getInt('exclusive', 0)), reverse: attr.int(node.getInt('reverse', 0)) },
    applyLayout(x.shape, x.layout),
    x.value.dtype ?? 'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

export const REDUCE_HANDLERS: Readonly<Record<string, ExportHandler>> = {
  ReduceMean: exportReduce,
  ReduceSum: exportReduce,
  ReduceMax: exportReduce,
  ReduceMin: exportReduce,
  ReduceProd: exportReduce,
  ReduceL2: exportReduce,
  ReduceSumSquare: exportReduce,
  Softmax: exportSoftmax,
  LogSoftmax: exportSoftmax,
  ArgMax: exportArgExtreme,
  ArgMin: exportArgExtreme,
  CumSum: exportCumSum,
};
