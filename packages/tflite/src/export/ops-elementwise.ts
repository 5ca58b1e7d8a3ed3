// Elementwise ops. They run in whatever layout their input already has (no transposes); a
// constant operand is broadcast and permuted into that layout at export time.
import { attr, type Node } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { fusableActivation, findOutputQuantize, findTail } from './fusion.js';
import { applyLayout, identity, normAxis, type Layout } from './layout.js';
import { finishTail } from './ops-conv.js';
import { qdqParams } from './qdq.js';

const BINARY: Record<string, string> = { Add: 'ADD', Sub: 'SUB', Mul: 'MUL', Div: 'DIV' };
const UNARY: Record<string, string> = { Relu: 'RELU', Sigmoid: 'LOGISTIC', Tanh: 'TANH', LeakyRelu: 'LEAKY_RELU' };

export function broadcastShape(a: readonly number[], b: readonly number[], node: Node): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) unsupported(`shapes [${a}] and [${b}] do not broadcast`, node);
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function exportBinary(ctx: ExportContext, node: Node): void {
  const [a, b] = [node.input(0)!, node.input(1)!];
  const ca = ctx.constOf(a) !== undefined;
  const cb = ctx.constOf(b) !== undefined;
  if (ca && cb) unsupported('elementwise op on two constants was not folded', node);
  const shapeOf = (v: typeof a, c: boolean) => (c ? [...ctx.constOf(v)!.shape] : ctx.rep(v, node).shape);
  const outShape = broadcastShape(shapeOf(a, ca), shapeOf(b, cb), node);
  const R = outShape.length;
  const dyn = [a, b].filter((_v, i) => !(i === 0 ? ca : cb)).map((v) => ctx.rep(v, node));
  // A shared layout when every operand has full rank; otherwise ONNX order.
  let layout: Layout = dyn[0]!.layout.length === R ? dyn[0]!.layout : identity(R);
  if (dyn.some((r) => r.layout.length !== R)) layout = identity(R);
  const tail = findTail(ctx, node);
  const qnode = findOutputQuantize(ctx, tail.out);
  const outQ = qnode !== undefined ? qdqParams(ctx, qnode, R) : undefined;
  const int8 =
    ctx.int8 &&
    !ca &&
    !cb &&
    outQ !== undefined &&
    outQ.scale.length === 1 &&
    node.opType !== 'Div' &&
    dyn.every((r) => r.value.quant !== undefined && r.value.quant.scale.length === 1);
  const operand = (v: typeof a, c: boolean): Rep => {
    if (c) return { value: ctx.constInLayout(v, layout, node), shape: outShape, layout };
    const r = ctx.rep(v, node);
    // A lower-rank operand broadcasts from the right, as in ONNX: it must be in ONNX order.
    const target = r.shape.length === R ? layout : identity(r.shape.length);
    return ctx.inLayout(int8 ? r : ctx.float(r), target, node);
  };
  const x = operand(a, ca);
  const y = operand(b, cb);
  const act = tail.act;
  const out = ctx.op(
    BINARY[node.opType]!,
    [x.value, y.value],
    { fused_activation_function: attr.string(act) },
    applyLayout(outShape, layout),
    int8 ? 'int8' : (x.value.dtype ?? 'float32'),
    tail.out.name,
    int8 ? outQ : undefined,
  );
  finishTail(
    ctx,
    tail,
    int8 ? { qnode: qnode!, x, weights: new Int8Array(0), weightScale: new Float32Array(0), out: outQ! } : undefined,
    { value: out, shape: outShape, layout },
  );
}

export function exportUnary(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  let opType = UNARY[node.opType];
  const attributes: Record<string, ReturnType<typeof attr.float>> = {};
  if (node.opType === 'Clip') {
    const act = fusableActivation(ctx, node);
    if (act === undefined)
      unsupported('Clip bounds other than [0, 6], [0, inf) or [-1, 1] are not exported', node, 'min');
    opType = act;
  }
  if (node.opType === 'LeakyRelu') attributes.alpha = attr.float(node.getFloat('alpha', 0.01));
  if (opType === undefined) unsupported(`${node.opType} has no TFLite mapping`, node, 'opType');
  const out = ctx.op(opType, [x.value], attributes, applyLayout(x.shape, x.layout), 'float32', node.output().name);
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

export function exportSoftmax(ctx: ExportContext, node: Node, opset: number): void {
  const r0 = ctx.rep(node.input(0)!, node);
  const rank = r0.shape.length;
  const axis = normAxis(node.getInt('axis', opset >= 13 ? -1 : 1), rank);
  if (axis !== rank - 1)
    unsupported(`Softmax over axis ${axis} of a rank-${rank} tensor: only the last axis is exported`, node, 'axis');
  let x = ctx.float(r0);
  if (x.layout[rank - 1] !== rank - 1) x = ctx.inLayout(x, identity(rank), node);
  const out = ctx.op(
    'SOFTMAX',
    [x.value],
    { beta: attr.float(1) },
    applyLayout(x.shape, x.layout),
    'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

/** Identity / Dropout (inference): the output is the input. */
export function exportAlias(ctx: ExportContext, node: Node): void {
  const x = node.input(0)!;
  const c = ctx.constOf(x);
  if (c !== undefined) ctx.setConst(node.output(), c);
  else ctx.bind(node.output(), ctx.rep(x, node));
}
