// Helpers shared by the op lowerings: reading inputs (float views of quantized tensors, constant
// integer inputs), fused activations, and Transposes between TFLite's NHWC and ONNX's NCHW.
import {
  UnsupportedError,
  attr,
  tensorFromValues,
  transposeValues,
  type Attr,
  type Node,
  type QuantParams,
  type Value,
} from '@enxuto/ir';
import { axisAttr, constInts, quantOf, type LowerContext } from './context.js';

export type Lowering = (ctx: LowerContext, n: Node) => Value[];

export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

export function unsupported(n: Node, message: string, field = 'opType'): never {
  throw new UnsupportedError(`${n.opType}: ${message}`, { code: 'tflite/lower-unsupported', node: n.label(), field });
}

export function input(ctx: LowerContext, n: Node, i: number): Value {
  const v = n.inputs[i];
  if (v === null || v === undefined) unsupported(n, `input ${i} is required`, `inputs[${i}]`);
  return ctx.float(v, n);
}

export function optionalInput(ctx: LowerContext, n: Node, i: number): Value | null {
  const v = n.inputs[i];
  return v === null || v === undefined ? null : ctx.float(v, n);
}

export function constantInput(n: Node, i: number, what: string): number[] {
  const values = constInts(n.inputs[i] ?? null);
  if (values === undefined) unsupported(n, `${what} (input ${i}) must be a constant`, `inputs[${i}]`);
  return values;
}

/** The fused activation of an op, applied to `x`. */
export function activation(ctx: LowerContext, n: Node, x: Value): Value {
  const act = n.getString('fused_activation_function', 'NONE');
  switch (act) {
    case 'NONE':
      return x;
    case 'RELU':
      return ctx.op('Relu', [x])[0]!;
    case 'RELU6':
      return ctx.op('Clip', [x, ctx.float32('zero', [0]), ctx.float32('six', [6])])[0]!;
    case 'RELU_N1_TO_1':
      return ctx.op('Clip', [x, ctx.float32('minus_one', [-1]), ctx.float32('one', [1])])[0]!;
    case 'TANH':
      return ctx.op('Tanh', [x])[0]!;
    default:
      return unsupported(n, `fused activation ${act} has no ONNX form`, 'fused_activation_function');
  }
}

export const transpose = (ctx: LowerContext, x: Value, perm: number[], base = 'transpose'): Value =>
  ctx.op('Transpose', [x], { perm: attr.ints(perm) }, base)[0]!;

/**
 * Weights in ONNX layout. 8-bit quantized constants are permuted here (the quantization axis moves
 * with its dim), so the Conv reads DequantizeLinear of an int8 constant: the QDQ form onnxruntime
 * fuses into integer kernels and the TFLite exporter keeps int8. Other weights go through a
 * Transpose node that onnxruntime folds (permuting int16 constants here made onnxruntime 1.30's
 * optimized int16 QDQ Conv give wrong results).
 */
export function weights(ctx: LowerContext, n: Node, i: number, perm: number[], base: string): Value {
  const w = n.inputs[i];
  const q = w ? quantOf(w) : undefined;
  const shape = w?.const?.shape;
  if (w && q && shape && shape.length === perm.length && (q.dtype === 'int8' || q.dtype === 'uint8')) {
    const { values, shape: permuted } = transposeValues(
      w.const!.values() as Int8Array | Uint8Array,
      shape,
      perm,
      (len) => (q.dtype === 'int8' ? new Int8Array(len) : new Uint8Array(len)),
    );
    const quant: QuantParams = { ...q };
    if (q.axis !== undefined) quant.axis = perm.indexOf(q.axis < 0 ? q.axis + shape.length : q.axis);
    const c = ctx.g.addInitializer(ctx.name(`${w.name}_${base}`), tensorFromValues(q.dtype, permuted, values));
    const [scale, zp] = ctx.quantConstants(c.name, quant);
    return ctx.op('DequantizeLinear', [c, scale, zp], axisAttr(quant), base)[0]!;
  }
  return transpose(ctx, input(ctx, n, i), perm, base);
}

export function padding(n: Node): Record<string, Attr> {
  const p = n.getString('padding', 'SAME');
  // TF's SAME puts the odd padding pixel at the end, which is ONNX's SAME_UPPER.
  return { auto_pad: attr.string(p === 'VALID' ? 'VALID' : 'SAME_UPPER') };
}

/**
 * Conv attributes (strides, padding, dilations). onnxruntime refuses SAME auto_pad with dilations,
 * so a dilated SAME conv gets TF's SAME padding spelled out (the odd pixel at the end).
 */
export function convSpatial(n: Node): Record<string, Attr> {
  const dilations = [n.getInt('dilation_h_factor', 1), n.getInt('dilation_w_factor', 1)];
  const attrs: Record<string, Attr> = { ...spatial(n), dilations: attr.ints(dilations) };
  const size = n.inputs[0]?.shape;
  const kernel = n.inputs[1]?.shape;
  if (n.getString('padding', 'SAME') === 'VALID' || dilations.every((d) => d === 1)) return attrs;
  if (size?.length !== 4 || kernel?.length !== 4)
    unsupported(n, 'a dilated SAME conv needs static shapes', 'inputs[0]');
  const strides = [n.getInt('stride_h', 1), n.getInt('stride_w', 1)];
  const begin: number[] = [];
  const end: number[] = [];
  [0, 1].forEach((a) => {
    const inSize = size[a + 1];
    const k = kernel[a + 1];
    if (typeof inSize !== 'number' || typeof k !== 'number')
      unsupported(n, 'a dilated SAME conv needs static shapes', 'inputs[0]');
    const total = Math.max(
      (Math.ceil(inSize / strides[a]!) - 1) * strides[a]! + (k - 1) * dilations[a]! + 1 - inSize,
      0,
    );
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  delete attrs.auto_pad;
  return { ...attrs, pads: attr.ints([...begin, ...end]) };
}

export function spatial(n: Node): Record<string, Attr> {
  return {
    strides: attr.ints([n.getInt('stride_h', 1), n.getInt('stride_w', 1)]),
    ...padding(n),
  };
}

/** Runs `body` on the NCHW form of an NHWC input, returning the NHWC result (fused act applied). */
export function inNchw(ctx: LowerContext, n: Node, x: Value, body: (xNchw: Value) => Value): Value {
  const y = body(transpose(ctx, x, TO_NCHW, 'to_nchw'));
  return activation(ctx, n, transpose(ctx, y, TO_NHWC, 'to_nhwc'));
}

export const binary =
  (opType: string): Lowering =>
  (ctx, n) => [activation(ctx, n, ctx.op(opType, [input(ctx, n, 0), input(ctx, n, 1)])[0]!)];
export const unary =
  (opType: string, attrs: (n: Node) => Record<string, Attr> = () => ({})): Lowering =>
  (ctx, n) => [ctx.op(opType, [input(ctx, n, 0)], attrs(n))[0]!];
