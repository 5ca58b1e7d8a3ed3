// Elementwise ops with a TFLite builtin of the same meaning. They run in the layout their
// (first full-rank) operand already has; constants are broadcast and permuted into it. Dtypes
// follow the operands (int64 index arithmetic, bool masks); comparisons give bool.
import { attr, type Attr, type DataType, type Node, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import type { ExportHandler } from './op-table.js';
import { broadcastShape } from './ops-elementwise.js';
import { applyLayout, identity, type Layout } from './layout.js';

export interface Aligned {
  values: Value[];
  shape: number[];
  layout: Layout;
  dtype: DataType;
}

/** Every input of `node` (nulls left out) as a TFLite tensor in one shared layout. */
export function alignOperands(ctx: ExportContext, node: Node, inputs = node.inputs): Aligned {
  const vs = inputs.filter((v): v is Value => v !== null);
  const isConst = vs.map((v) => ctx.constOf(v) !== undefined);
  if (isConst.every(Boolean)) unsupported(`${node.opType} of constants only was not folded`, node);
  const shapes = vs.map((v, i) => (isConst[i] ? [...ctx.constOf(v)!.shape] : ctx.rep(v, node).shape));
  const shape = shapes.reduce((a, b) => broadcastShape(a, b, node));
  const R = shape.length;
  const dyn = vs.filter((_, i) => !isConst[i]).map((v) => ctx.float(ctx.rep(v, node)));
  const layout: Layout = dyn.every((r) => r.layout.length === R) ? dyn[0]!.layout : identity(R);
  let dtype: DataType = 'float32';
  const values = vs.map((v, i) => {
    if (isConst[i]) return ctx.constInLayout(v, layout, node);
    const r = ctx.float(ctx.rep(v, node));
    // A lower-rank operand broadcasts from the right, as in ONNX: it must be in ONNX order.
    const placed: Rep = ctx.inLayout(r, r.layout.length === R ? layout : identity(r.layout.length), node);
    dtype = placed.value.dtype ?? dtype;
    return placed.value;
  });
  return { values, shape, layout, dtype };
}

/** One TFLite op over aligned operands; `outDtype` fixes the result type (bool for comparisons). */
export function elementwise(
  tflite: string,
  options: { outDtype?: DataType; attrs?: (node: Node) => Record<string, Attr> } = {},
): ExportHandler {
  return (ctx, node) => {
    const a = alignOperands(ctx, node);
    const out = ctx.op(
      tflite,
      a.values,
      options.attrs?.(node) ?? {},
      applyLayout(a.shape, a.layout),
      options.outDtype ?? a.dtype,
      node.output().name,
    );
    ctx.bind(node.output(), { value: out, shape: a.shape, layout: a.layout });
  };
}

/** Min / Max / Sum of any number of inputs: a chain of the binary TFLite op. */
function variadic(tflite: string): ExportHandler {
  return (ctx, node) => {
    const inputs = node.inputs.filter((v): v is Value => v !== null);
    if (inputs.length === 1) {
      ctx.bind(node.output(), ctx.rep(inputs[0]!, node));
      return;
    }
    const a = alignOperands(ctx, node);
    let acc = a.values[0]!;
    for (const v of a.values.slice(1)) {
      const last = v === a.values.at(-1);
      acc = ctx.op(
        tflite,
        [acc, v],
        {},
        applyLayout(a.shape, a.layout),
        a.dtype,
        last ? node.output().name : `${node.output().name}_partial`,
      );
    }
    ctx.bind(node.output(), { value: acc, shape: a.shape, layout: a.layout });
  };
}

/** Cast to the ONNX `to` type. */
const CAST_TYPES: Record<number, DataType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
};

function exportCast(ctx: ExportContext, node: Node): void {
  const to = CAST_TYPES[node.getInt('to', 0)];
  if (to === undefined) unsupported(`Cast to type ${node.getInt('to', 0)} has no TFLite CAST`, node, 'to');
  const r = ctx.float(ctx.rep(node.input(0)!, node));
  if (r.value.dtype === to) {
    ctx.bind(node.output(), r);
    return;
  }
  const out = ctx.op('CAST', [r.value], {}, applyLayout(r.shape, r.layout), to, node.output().name);
  ctx.bind(node.output(), { value: out, shape: r.shape, layout: r.layout });
}

/**
 * HardSigmoid max(0, min(1, a x + b)) as RELU6(6a x + 6b) / 6: three ops every TFLite runtime has,
 * the RELU6 fused into the ADD.
 */
function exportHardSigmoid(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  const alpha = node.getFloat('alpha', 0.2);
  const beta = node.getFloat('beta', 0.5);
  const shape = applyLayout(x.shape, x.layout);
  const name = node.output().name;
  const scalar = (base: string, v: number) => ctx.floatWeight(base, Float32Array.of(v), [1]);
  const scaled = ctx.op('MUL', [x.value, scalar('hs_alpha', 6 * alpha)], act('NONE'), shape, 'float32', `${name}_ax`);
  const clipped = ctx.op('ADD', [scaled, scalar('hs_beta', 6 * beta)], act('RELU6'), shape, 'float32', `${name}_relu6`);
  const out = ctx.op('MUL', [clipped, scalar('hs_sixth', 1 / 6)], act('NONE'), shape, 'float32', name);
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

const act = (a: string): Record<string, Attr> => ({ fused_activation_function: attr.string(a) });

/** Reciprocal as DIV(1, x). */
function exportReciprocal(ctx: ExportContext, node: Node): void {
  const x = ctx.input(node.input(0)!, node);
  const one = ctx.floatWeight('one', Float32Array.of(1), [1]);
  const out = ctx.op('DIV', [one, x.value], act('NONE'), applyLayout(x.shape, x.layout), 'float32', node.output().name);
  ctx.bind(node.output(), { value: out, shape: x.shape, layout: x.layout });
}

export const GENERIC_HANDLERS: Readonly<Record<string, ExportHandler>> = {
  Exp: elementwise('EXP'),
  Log: elementwise('LOG'),
  Sqrt: elementwise('SQRT'),
  Abs: elementwise('ABS'),
  Neg: elementwise('NEG'),
  Floor: elementwise('FLOOR'),
  Ceil: elementwise('CEIL'),
  Round: elementwise('ROUND'),
  Sin: elementwise('SIN'),
  Cos: elementwise('COS'),
  Elu: (ctx, node) => {
    if (node.getFloat('alpha', 1) !== 1) unsupported('Elu with alpha other than 1 has no TFLite ELU', node, 'alpha');
    elementwise('ELU')(ctx, node, 0);
  },
  HardSwish: elementwise('HARD_SWISH'),
  HardSigmoid: exportHardSigmoid,
  Reciprocal: exportReciprocal,
  Pow: elementwise('POW'),
  // ONNX Mod with fmod=0 (integers) takes the divisor's sign: TFLite's FLOOR_MOD. fmod=1 is C's fmod.
  Mod: (ctx, node) => {
    if (node.getInt('fmod', 0) !== 0)
      unsupported('Mod with fmod=1 (sign of the dividend) has no TFLite op', node, 'fmod');
    elementwise('FLOOR_MOD')(ctx, node, 0);
  },
  Min: variadic('MINIMUM'),
  Max: variadic('MAXIMUM'),
  Sum: variadic('ADD'),
  Equal: elementwise('EQUAL', { outDtype: 'bool' }),
  Less: elementwise('LESS', { outDtype: 'bool' }),
  Greater: elementwise('GREATER', { outDtype: 'bool' }),
  LessOrEqual: elementwise('LESS_EQUAL', { outDtype: 'bool' }),
  GreaterOrEqual: elementwise('GREATER_EQUAL', { outDtype: 'bool' }),
  And: elementwise('LOGICAL_AND', { outDtype: 'bool' }),
  Or: elementwise('LOGICAL_OR', { outDtype: 'bool' }),
  Not: elementwise('LOGICAL_NOT', { outDtype: 'bool' }),
  Where: (ctx, node) => {
    const a = alignOperands(ctx, node);
    const dtype = a.values[1]!.dtype ?? 'float32';
    const out = ctx.op('SELECT_V2', a.values, {}, applyLayout(a.shape, a.layout), dtype, node.output().name);
    ctx.bind(node.output(), { value: out, shape: a.shape, layout: a.layout });
  },
  Cast: exportCast,
};
