// Normalizations TFLite has no single builtin for, as their exact decompositions:
// LayerNormalization (MEAN, SUB, MUL, MEAN, ADD, RSQRT, MUL, MUL, ADD — what TFLite's converter
// writes for Keras LayerNormalization), BatchNormalization (MUL + ADD per channel), and the erf
// form of GELU (x * 0.5 * (1 + erf(x / sqrt 2))) as TFLite's GELU op.
import { attr, type Node, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { applyLayout, normAxis } from './layout.js';
import type { ExportHandler } from './op-table.js';

const NONE = { fused_activation_function: attr.string('NONE') };

function usedOutput(v: Value | null | undefined): boolean {
  return v !== null && v !== undefined && (v.uses().length > 0 || v.isGraphOutput());
}

/** A float constant of the ONNX value `v` broadcast to `x`'s rank and layout (normalized dims last). */
function constFor(ctx: ExportContext, node: Node, v: Value, x: Rep): Value {
  return ctx.constInLayout(v, x.layout, node);
}

function exportLayerNorm(ctx: ExportContext, node: Node): void {
  if (usedOutput(node.outputs[1]) || usedOutput(node.outputs[2]))
    unsupported('LayerNormalization Mean/InvStdDev outputs are not exported', node, 'outputs');
  const x = ctx.input(node.input(0)!, node);
  const rank = x.shape.length;
  const axis = normAxis(node.getInt('axis', -1), rank);
  const axes = x.layout.flatMap((d, i) => (d >= axis ? [i] : []));
  const shape = applyLayout(x.shape, x.layout);
  const reduced = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const name = node.output().name;
  const axesConst = ctx.int32Const('axes', axes);
  const op = (
    t: string,
    inputs: Value[],
    s: number[],
    suffix: string,
    attrs: Record<string, ReturnType<typeof attr.int>> = NONE,
  ) => ctx.op(t, inputs, attrs, s, 'float32', suffix === '' ? name : `${name}_${suffix}`);
  const keep = { keep_dims: attr.int(1) };
  const mean = op('MEAN', [x.value, axesConst], reduced, 'mean', keep);
  const centered = op('SUB', [x.value, mean], shape, 'centered');
  const sq = op('MUL', [centered, centered], shape, 'sq');
  const variance = op('MEAN', [sq, axesConst], reduced, 'var', keep);
  const eps = ctx.floatWeight('epsilon', Float32Array.of(node.getFloat('epsilon', 1e-5)), [1]);
  const inv = op('RSQRT', [op('ADD', [variance, eps], reduced, 'var_eps')], reduced, 'inv_std', {});
  const scaleIn = node.input(1);
  const bias = node.input(2);
  const last = scaleIn === null && (bias === null || bias === undefined);
  let y = op('MUL', [centered, inv], shape, last ? '' : 'normalized');
  if (scaleIn !== null) {
    const s =
      ctx.constOf(scaleIn) !== undefined ? constFor(ctx, node, scaleIn, x) : ctx.input(scaleIn, node, x.layout).value;
    y = op('MUL', [y, s], shape, bias === null || bias === undefined ? '' : 'scaled');
  }
  if (bias !== null && bias !== undefined) {
    const b = ctx.constOf(bias) !== undefined ? constFor(ctx, node, bias, x) : ctx.input(bias, node, x.layout).value;
    y = op('ADD', [y, b], shape, '');
  }
  ctx.bind(node.output(), { value: y, shape: x.shape, layout: x.layout });
}

/** Unfolded BatchNormalization (inference): y = x * s + t with s, t per channel (axis 1). */
function exportBatchNorm(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.floatConst(node.input(i)));
  if (!scale || !bias || !mean || !variance) unsupported('BatchNormalization needs constant parameters', node, 'scale');
  if (node.outputs.slice(1).some(usedOutput)) unsupported('training-mode BatchNormalization outputs', node, 'outputs');
  const eps = node.getFloat('epsilon', 1e-5);
  const C = scale.length;
  const s = Float32Array.from(scale, (g, c) => g / Math.sqrt(variance[c]! + eps));
  const t = Float32Array.from(bias, (b, c) => b - mean[c]! * s[c]!);
  const constShape = x.shape.map((_, i) => (i === 1 ? C : 1));
  const tflConst = (data: Float32Array, base: string) => ctx.floatWeight(base, data, applyLayout(constShape, x.layout));
  const shape = applyLayout(x.shape, x.layout);
  const name = node.output().name;
  const scaled = ctx.op('MUL', [x.value, tflConst(s, `${name}_scale`)], NONE, shape, 'float32', `${name}_scaled`);
  const out = ctx.op('ADD', [scaled, tflConst(t, `${name}_shift`)], NONE, shape, 'float32', name);
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

/** The other operand of a binary node, given one. */
function other(n: Node, v: Value): Value | null {
  return n.input(0) === v ? n.input(1) : n.input(0);
}

function soleUse(v: Value): Node | undefined {
  const uses = v.uses();
  return uses.length === 1 && !v.isGraphOutput() ? uses[0]!.node : undefined;
}

function near(ctx: ExportContext, v: Value | null, want: number, tol = 1e-4): boolean {
  const c = ctx.floatConst(v);
  return c !== undefined && c.length === 1 && Math.abs(c[0]! - want) <= tol * Math.abs(want);
}

/**
 * Matches Erf's GELU neighbourhood: x / sqrt2 (or x * 1/sqrt2) -> Erf -> + 1 -> * x -> * 0.5
 * (the halving may come first, on x). Returns x, the nodes to absorb and the final output.
 */
function matchGelu(ctx: ExportContext, erf: Node): { x: Value; nodes: Node[]; out: Value } | undefined {
  const pre = erf.input(0)?.producer();
  if (pre === undefined || pre === null) return undefined;
  let x: Value | null = null;
  if (pre.opType === 'Div' && near(ctx, pre.input(1), Math.SQRT2)) x = pre.input(0);
  if (pre.opType === 'Mul') {
    for (const v of pre.inputs) if (v !== null && near(ctx, other(pre, v), Math.SQRT1_2)) x = v;
  }
  if (x === null) return undefined;
  const add = soleUse(erf.output());
  if (add === undefined || add.opType !== 'Add' || !near(ctx, other(add, erf.output()), 1)) return undefined;
  const mul = soleUse(add.output());
  if (mul === undefined || mul.opType !== 'Mul') return undefined;
  const partner = other(mul, add.output());
  // Either (x * 0.5) * (1 + erf) or x * (1 + erf) followed by * 0.5.
  const half = partner?.producer();
  if (half && half.opType === 'Mul' && half.inputs.includes(x) && near(ctx, other(half, x), 0.5))
    return { x, nodes: [pre, erf, add, mul, half], out: mul.output() };
  if (partner !== x) return undefined;
  const last = soleUse(mul.output());
  if (last === undefined || last.opType !== 'Mul' || !near(ctx, other(last, mul.output()), 0.5)) return undefined;
  return { x, nodes: [pre, erf, add, mul, last], out: last.output() };
}

function exportErf(ctx: ExportContext, node: Node): void {
  const gelu = matchGelu(ctx, node);
  if (gelu === undefined)
    unsupported(
      'Erf has no TFLite op (only its GELU form x * 0.5 * (1 + erf(x / sqrt 2)) is exported)',
      node,
      'opType',
    );
  const x = ctx.input(gelu.x, node);
  const out = ctx.op(
    'GELU',
    [x.value],
    { approximate: attr.int(0) },
    applyLayout(x.shape, x.layout),
    'float32',
    gelu.out.name,
  );
  for (const n of gelu.nodes) ctx.absorbed.add(n);
  ctx.bind(gelu.out, { value: out, shape: x.shape, layout: x.layout });
}

export const NORM_HANDLERS: Readonly<Record<string, ExportHandler>> = {
  LayerNormalization: exportLayerNorm,
  BatchNormalization: exportBatchNorm,
  Erf: exportErf,
};
