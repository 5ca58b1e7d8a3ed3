// Helpers the TF op translators share: layout attributes, padding, fused activations, and the
// small translator shapes (unary, binary, alias) most table entries are made of.
import { attr, type Attr, type DataType, UnsupportedError, type Value } from '@enxuto/ir';
import { attrFloat, attrInts, attrRunType, attrString, attrStrings, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import type { ImportContext } from './context.js';

export type TfImporter = (ctx: ImportContext, n: TfNode) => Value | Value[];

/** "To the end" for Slice ends (TF.js and ONNX both clamp it to the dimension). */
export const BIG = 2 ** 31 - 1;

export function dataFormat(n: TfNode, fallback = 'NHWC'): string {
  const f = attrString(n, 'data_format', fallback).toUpperCase();
  if (!['NHWC', 'NCHW', 'NDHWC', 'NCDHW', 'NWC', 'NCW'].includes(f)) {
    throw new UnsupportedError(`data_format ${f} is not supported`, {
      code: 'tfjs/unsupported-attr',
      ...n.where,
      field: 'attr.data_format',
    });
  }
  return f;
}

export const channelsLast = (fmt: string): boolean => fmt.startsWith('N') && fmt.endsWith('C');

/** The spatial entries of a (rank+2)-element NHWC/NCHW attribute list (strides, ksize, dilations). */
export function spatial(n: TfNode, key: string, fmt: string): number[] {
  const rank = fmt.length;
  const v = attrInts(n, key) ?? new Array<number>(rank).fill(1);
  if (v.length !== rank || v.some((x) => x < 1)) {
    throw formatError(`${key} must be ${rank} positive integers`, 'tfjs/bad-attr', n.where, `attr.${key}`);
  }
  return channelsLast(fmt) ? v.slice(1, -1) : v.slice(2);
}

export function padding(n: TfNode, fmt: string): Record<string, Attr> {
  const p = attrString(n, 'padding', 'VALID').toUpperCase();
  const dims = fmt.length - 2;
  if (p === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
  if (p === 'VALID') return { pads: attr.ints(new Array<number>(2 * dims).fill(0)) };
  if (p === 'EXPLICIT') {
    const e = attrInts(n, 'explicit_paddings') ?? [];
    if (e.length !== 2 * fmt.length || e.some((x) => x < 0)) {
      throw formatError(
        `explicit_paddings must be ${2 * fmt.length} non-negative integers`,
        'tfjs/bad-attr',
        n.where,
        'attr.explicit_paddings',
      );
    }
    const axes = Array.from({ length: dims }, (_, i) => (channelsLast(fmt) ? i + 1 : i + 2));
    return { pads: attr.ints([...axes.map((a) => e[2 * a]!), ...axes.map((a) => e[2 * a + 1]!)]) };
  }
  throw formatError(`unknown padding '${p}'`, 'tfjs/bad-attr', n.where, 'attr.padding');
}

/** Activations TF fuses into convolutions and matmuls (fused_ops), applied in the op's own layout. */
export function activation(ctx: ImportContext, n: TfNode, kind: string, x: Value, extra: Value | undefined): Value {
  switch (kind) {
    case 'Relu':
      return ctx.op('Relu', [x], {}, n.name);
    case 'Relu6':
      return ctx.op('Clip', [x, ctx.floatScalar('zero', 0), ctx.floatScalar('six', 6)], {}, n.name);
    case 'Elu':
      return ctx.op('Elu', [x], {}, n.name);
    case 'Sigmoid':
      return ctx.op('Sigmoid', [x], {}, n.name);
    case 'Tanh':
      return ctx.op('Tanh', [x], {}, n.name);
    case 'LeakyRelu':
      return ctx.op('LeakyRelu', [x], { alpha: attr.float(attrFloat(n, 'leakyrelu_alpha', 0.2)) }, n.name);
    case 'Prelu':
      if (!extra) throw formatError('Prelu needs an alpha input', 'tfjs/missing-input', n.where, 'input');
      return ctx.op('PRelu', [x, extra], {}, n.name);
    default:
      throw new UnsupportedError(`fused activation ${kind} is not supported`, {
        code: 'tfjs/unsupported-op',
        ...n.where,
        field: 'attr.fused_ops',
      });
  }
}

/** fused_ops of _FusedConv2D / _FusedMatMul: [BiasAdd?, activation?]. */
export function fusedOps(n: TfNode): { bias: boolean; act: string | undefined } {
  const ops = attrStrings(n, 'fused_ops') ?? [];
  let bias = false;
  let act: string | undefined;
  for (const op of ops) {
    if (op === 'BiasAdd' && !bias && act === undefined) bias = true;
    else if (act === undefined && op !== 'BiasAdd') act = op;
    else
      throw new UnsupportedError(`fused_ops ${ops.join(',')} is not supported`, {
        code: 'tfjs/unsupported-op',
        ...n.where,
        field: 'attr.fused_ops',
      });
  }
  return { bias, act };
}

export const unary =
  (op: string, attributes: Record<string, Attr> = {}): TfImporter =>
  (ctx, n) =>
    ctx.op(op, [ctx.input(n, 0)], attributes, n.name);

export const binary =
  (op: string): TfImporter =>
  (ctx, n) =>
    ctx.op(op, [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name);

export const alias: TfImporter = (ctx, n) => ctx.input(n, 0);

/** The element type TF.js computes n's output `key` in, with a fallback. */
export function runType(n: TfNode, key: string, fallback: DataType): DataType {
  return attrRunType(n, key) ?? fallback;
}

/** A scalar (or 1-element) axis operand as a number. */
export function constAxis(ctx: ImportContext, n: TfNode, index: number, what = 'axis'): number {
  const v = ctx.constInts(ctx.input(n, index), n, what);
  if (v.length !== 1) throw formatError(`${what} must be a single integer`, 'tfjs/bad-operand', n.where, what);
  return v[0]!;
}
