// QuantizeLinear / DequantizeLinear parameters as TFLite sees them. TFLite's int8 kernels want
// int8 activations and int8 weights with zero point 0: uint8 parameters become int8 by moving the
// zero point down 128 (the same real values), which is exactly what the converter does.
import { isIntegerType, type Node, type QuantParams, type Tensor } from '@enxuto/ir';
import { unsupported, type ExportContext } from './context.js';
import { normAxis } from './layout.js';

/** The int8 view of the scale/zero point of a Q or DQ node; undefined when not int8-expressible. */
export function qdqParams(ctx: ExportContext, node: Node, rank: number): QuantParams | undefined {
  const scale = ctx.floatConst(node.input(1));
  if (scale === undefined) unsupported(`${node.opType} needs a constant scale`, node, 'x_scale');
  const zpTensor = ctx.constOf(node.input(2));
  const storage = zpTensor?.dtype ?? 'uint8';
  if (storage !== 'int8' && storage !== 'uint8') return undefined;
  const zp =
    zpTensor === undefined ? new Int32Array(scale.length) : Int32Array.from(zpTensor.values() as ArrayLike<number>);
  const shift = storage === 'uint8' ? -128 : 0;
  const params: QuantParams = {
    dtype: 'int8',
    scale: Float32Array.from(scale),
    zeroPoint: Int32Array.from(zp, (z) => z + shift),
  };
  if (scale.length > 1) params.axis = normAxis(node.getInt('axis', 1), rank);
  if (node.getInt('block_size', 0) !== 0) return undefined;
  return params;
}

/** Integer data of a quantized constant as int8 (uint8 shifted by -128); undefined when it is neither. */
export function int8Values(t: Tensor): Int8Array | undefined {
  if (t.dtype === 'int8') return Int8Array.from(t.values() as Int8Array);
  if (t.dtype === 'uint8') return Int8Array.from(t.values() as Uint8Array, (x) => x - 128);
  return undefined;
}

/** DequantizeLinear of a constant: registers the quantized constant (and its float value). */
export function foldConstDequantize(ctx: ExportContext, node: Node): boolean {
  const x = node.input(0);
  const t = ctx.constOf(x);
  if (t === undefined || !isIntegerType(t.dtype)) return false;
  const scale = ctx.floatConst(node.input(1));
  if (scale === undefined) unsupported('DequantizeLinear needs a constant scale', node, 'x_scale');
  const zpT = ctx.constOf(node.input(2));
  const zp =
    zpT === undefined
      ? new Int32Array(scale.length)
      : Int32Array.from(zpT.values() as ArrayLike<number | bigint>, Number);
  const shape = [...t.shape];
  const quant: QuantParams = { dtype: t.dtype, scale: Float32Array.from(scale), zeroPoint: zp };
  if (scale.length > 1) quant.axis = normAxis(node.getInt('axis', 1), shape.length);
  ctx.setQuantConst(node.output(), { tensor: t, quant }, shape);
  return true;
}
