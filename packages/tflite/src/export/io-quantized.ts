// Quantized graph inputs and outputs (int8/uint8 with scale and zero point), as TFLite's converter
// writes them for Coral, TFLite Micro and `inference_input_type=uint8` models, and as their ONNX
// lowering keeps them. The file keeps the source's dtype and parameters at its boundary; inside,
// int8 mode computes on int8 (a uint8 input is requantized by QUANTIZE, as the converter does) and
// the float modes on the DEQUANTIZEd values.
import { tensorType, type QuantParams, type Value } from '@enxuto/ir';
import type { ExportContext, Rep } from './context.js';
import { applyLayout, identity } from './layout.js';

/** A graph input or output the file keeps as quantized integers. */
export function quantizedIo(v: Value): boolean {
  const q = v.quant;
  return (v.dtype === 'int8' || v.dtype === 'uint8') && q !== undefined && q.scale.length === 1;
}

const asInt8 = (q: QuantParams): QuantParams => ({
  dtype: 'int8',
  scale: q.scale,
  zeroPoint: Int32Array.from(q.zeroPoint, (z) => (q.dtype === 'uint8' ? z - 128 : z)),
});

/** Adds the quantized graph input `v` and binds its representation. */
export function bindQuantizedInput(ctx: ExportContext, v: Value, shape: number[]): void {
  const layout = identity(shape.length);
  const input = ctx.g.addInput(v.name, tensorType(v.dtype!, shape));
  input.quant = { dtype: v.dtype!, scale: v.quant!.scale, zeroPoint: v.quant!.zeroPoint };
  let value = input;
  if (ctx.int8 && v.dtype === 'uint8') {
    const q = asInt8(v.quant!);
    value = ctx.op('QUANTIZE', [input], {}, applyLayout(shape, layout), 'int8', `${v.name}_int8`, q);
  }
  ctx.bind(v, { value, shape, layout });
}

/** The TFLite value of the quantized graph output `v` (from its representation `r`, held in ONNX order). */
export function quantizedOutput(ctx: ExportContext, v: Value, r: Rep): Value {
  const q: QuantParams = { dtype: v.dtype!, scale: v.quant!.scale, zeroPoint: v.quant!.zeroPoint };
  const have = r.value.quant;
  const same =
    have !== undefined &&
    r.value.dtype === v.dtype &&
    have.scale.length === 1 &&
    have.scale[0] === q.scale[0] &&
    have.zeroPoint[0] === q.zeroPoint[0];
  if (same) return r.value;
  // Float (float modes), or int8 for a uint8 output: QUANTIZE to the source's type and parameters.
  return ctx.op('QUANTIZE', [r.value], {}, applyLayout(r.shape, r.layout), v.dtype!, `${v.name}_quantized`, q);
}
