// Look-ahead for what TFLite folds into one op: a bias Add after Conv / MatMul, an activation
// (fused_activation_function), and in int8 mode the QuantizeLinear that gives the output scale.
// A helper only inspects; the caller marks the nodes it takes as absorbed.
import type { Node, Value } from '@enxuto/ir';
import type { ExportContext } from './context.js';

function soleConsumer(ctx: ExportContext, v: Value): Node | undefined {
  if (v.isGraphOutput() || v.uses().length !== 1) return undefined;
  const n = v.uses()[0]!.node;
  return ctx.absorbed.has(n) ? undefined : n;
}

/** A following `Add(out, const)` whose constant is one value per channel (`channelAxis` of a rank-`rank` output). */
export function findBiasAdd(
  ctx: ExportContext,
  out: Value,
  channels: number,
  channelAxis: number,
  rank: number,
): { node: Node; bias: Float32Array } | undefined {
  const add = soleConsumer(ctx, out);
  if (add === undefined || add.opType !== 'Add' || add.domain !== '') return undefined;
  const other = add.input(0) === out ? add.input(1) : add.input(0);
  const t = ctx.constOf(other);
  if (t === undefined || t.shape.length > rank) return undefined;
  const shape = [...t.shape];
  while (shape.length < rank) shape.unshift(1);
  if (!shape.every((d, i) => d === 1 || (i === channelAxis && d === channels))) return undefined;
  const values = t.toFloat32();
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) bias[c] = values[values.length === 1 ? 0 : c]!;
  return { node: add, bias };
}

/** Clip bounds, from inputs (opset >= 11) or attributes. */
function clipBounds(ctx: ExportContext, n: Node): [number, number] | undefined {
  const lo = n.input(1) === null ? [-Infinity] : ctx.floatConst(n.input(1));
  const hi = n.input(2) === null ? [Infinity] : ctx.floatConst(n.input(2));
  if (lo === undefined || hi === undefined) return undefined;
  return [
    n.inputs.length > 1 ? lo[0]! : n.getFloat('min', -Infinity),
    n.inputs.length > 2 ? hi[0]! : n.getFloat('max', Infinity),
  ];
}

/** The TFLite activation an ONNX activation node is, if TFLite can fuse it. */
export function fusableActivation(ctx: ExportContext, n: Node): 'RELU' | 'RELU6' | 'RELU_N1_TO_1' | undefined {
  if (n.domain !== '') return undefined;
  if (n.opType === 'Relu') return 'RELU';
  if (n.opType !== 'Clip') return undefined;
  const b = clipBounds(ctx, n);
  if (b === undefined) return undefined;
  if (b[0] === 0 && b[1] === 6) return 'RELU6';
  if (b[0] === 0 && b[1] === Infinity) return 'RELU';
  if (b[0] === -1 && b[1] === 1) return 'RELU_N1_TO_1';
  return undefined;
}

export function findActivation(ctx: ExportContext, out: Value): { node: Node; act: string } | undefined {
  const n = soleConsumer(ctx, out);
  if (n === undefined) return undefined;
  const act = fusableActivation(ctx, n);
  return act === undefined ? undefined : { node: n, act };
}

/** The QuantizeLinear reading `out` (int8 mode): its output becomes the op's int8 output. */
export function findOutputQuantize(ctx: ExportContext, out: Value): Node | undefined {
  if (!ctx.int8) return undefined;
  const n = soleConsumer(ctx, out);
  return n !== undefined && n.opType === 'QuantizeLinear' && n.domain === '' ? n : undefined;
}

/** Bias Add, then activation, then (int8) output Q: what a compute op may take after it. */
export interface Tail {
  /** The ONNX value the op's TFLite output stands for (after the absorbed nodes). */
  out: Value;
  bias?: Float32Array;
  act: string;
  nodes: Node[];
  /** An absorbed ONNX Transpose between the op and its activation. */
  perm?: number[];
}

export function findTail(
  ctx: ExportContext,
  node: Node,
  bias?: { channels: number; axis: number; rank: number },
): Tail {
  let out = node.output();
  const nodes: Node[] = [];
  const tail: Tail = { out, act: 'NONE', nodes };
  if (bias !== undefined) {
    const add = findBiasAdd(ctx, out, bias.channels, bias.axis, bias.rank);
    if (add !== undefined) {
      tail.bias = add.bias;
      nodes.push(add.node);
      out = add.node.output();
    }
  }
  // Conv -> Transpose -> Relu (how TFLite models lowered to ONNX look): the activation is
  // elementwise, so it still fuses; the Transpose only changes the layout of the result.
  const t = soleConsumer(ctx, out);
  if (t !== undefined && t.opType === 'Transpose' && t.domain === '') {
    const after = findActivation(ctx, t.output());
    const rank = out.shape?.length ?? t.getInts('perm')?.length;
    if (after !== undefined && rank !== undefined) {
      tail.perm = t.getInts(
        'perm',
        Array.from({ length: rank }, (_, i) => rank - 1 - i),
      );
      nodes.push(t);
      out = t.output();
    }
  }
  const act = findActivation(ctx, out);
  if (act !== undefined) {
    tail.act = act.act;
    nodes.push(act.node);
    out = act.node.output();
  }
  tail.out = out;
  return tail;
}
