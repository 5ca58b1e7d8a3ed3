// QuantizeLinear / DequantizeLinear on activations. In int8 mode a Q -> DQ pair is one int8
// tensor: Q becomes QUANTIZE only where its input is float (or has other parameters), DQ is free
// (float readers get a DEQUANTIZE on demand). In the other modes the pair is dropped: TFLite
// computes in float there, as the original float model did -- except for the clamp at zero.
// quantize-static folds a Relu into the output zero point (uint8 zp 0 / int8 zp -128: nothing
// below 0 is representable), so dropping that Q would drop the Relu; it becomes a RELU (fused into
// the producing op when it can take one). Rounding and saturation at the calibrated maximum are
// quantization noise and are not emulated.
import { attr, type Node, type Value } from '@enxuto/ir';
import { sameQuant, unsupported, type ExportContext, type Rep } from './context.js';
import { applyLayout } from './layout.js';
import { qdqParams } from './qdq.js';

/** TFLite ops whose `fused_activation_function` can take the RELU. */
const FUSES_ACTIVATION = new Set([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'ADD',
  'SUB',
  'MUL',
  'DIV',
  'MAX_POOL_2D',
  'AVERAGE_POOL_2D',
  'CONCATENATION',
]);
/** Ops that keep a non-negative input non-negative. */
const KEEPS_SIGN = new Set(['MAX_POOL_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'TRANSPOSE', 'MEAN', 'PAD']);
const NON_NEGATIVE_ACTS = new Set(['RELU', 'RELU6']);
const ALIASES = new Set([
  'Identity',
  'Dropout',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'DequantizeLinear',
  'QuantizeLinear',
]);

/** True when the TFLite value cannot hold a negative number (a RELU already ran on it). */
function nonNegative(v: Value, depth = 0): boolean {
  const p = v.producer();
  if (p === undefined || p === null || depth > 16) return false;
  if (NON_NEGATIVE_ACTS.has(p.opType)) return true;
  const act = p.getString('fused_activation_function');
  if (act !== undefined && NON_NEGATIVE_ACTS.has(act)) return true;
  return KEEPS_SIGN.has(p.opType) && p.input(0) !== null && nonNegative(p.input(0)!, depth + 1);
}

/** The lowest real value a Q node can represent (undefined: not a constant int8/uint8 Q). */
function lowestRepresentable(ctx: ExportContext, node: Node, rank: number): number | undefined {
  const q = qdqParams(ctx, node, rank);
  if (q === undefined) return undefined;
  let lo = Infinity;
  q.scale.forEach((s, i) => (lo = Math.min(lo, (-128 - q.zeroPoint[i]!) * s)));
  return lo;
}

/** Float modes: `x` clamped at zero, as the dropped QuantizeLinear `node` would clamp it. */
function clampAtZero(ctx: ExportContext, node: Node, x: Rep): Rep {
  const lo = lowestRepresentable(ctx, node, x.shape.length);
  if (lo === undefined || lo < 0 || nonNegative(x.value)) return x;
  const p = x.value.producer();
  // Fuse into the producer when nothing else reads its output (no other ONNX reader either).
  // An alias op (Identity, Reshape...) may have bound another ONNX value to the same TFLite tensor.
  const onnxIn = node.input(0)!;
  const direct = !ALIASES.has(onnxIn.producer()?.opType ?? 'Identity');
  const soleReader =
    direct &&
    onnxIn.uses().length === 1 &&
    !onnxIn.isGraphOutput() &&
    x.value.uses().length === 0 &&
    !x.value.isGraphOutput();
  if (
    p !== undefined &&
    p !== null &&
    soleReader &&
    FUSES_ACTIVATION.has(p.opType) &&
    p.getString('fused_activation_function') === 'NONE'
  ) {
    p.setAttr('fused_activation_function', attr.string('RELU'));
    return x;
  }
  const out = ctx.op('RELU', [x.value], {}, applyLayout(x.shape, x.layout), 'float32', node.output().name);
  return { ...x, value: out };
}

export function exportQuantize(ctx: ExportContext, node: Node): void {
  const r0 = ctx.rep(node.input(0)!, node);
  if (!ctx.int8) {
    ctx.bind(node.output(), clampAtZero(ctx, node, ctx.float(r0)));
    return;
  }
  const q = qdqParams(ctx, node, r0.shape.length);
  if (q === undefined) {
    const zp = ctx.constOf(node.input(2))?.dtype;
    if (zp === 'int16' || zp === 'uint16')
      unsupported(
        "16-bit activations (TFLite's 16x8 quantization) have no int8-mode export: write with mode 'float32' or 'float16', or quantize to int8",
        node,
        'y_zero_point',
      );
    unsupported('only int8/uint8 QuantizeLinear is exported', node, 'y_zero_point');
  }
  if (q.scale.length !== 1) unsupported('per-axis activation quantization has no TFLite int8 kernel', node, 'y_scale');
  if (sameQuant(r0.value.quant, q)) {
    ctx.bind(node.output(), r0);
    return;
  }
  const out = ctx.op('QUANTIZE', [r0.value], {}, applyLayout(r0.shape, r0.layout), 'int8', node.output().name, q);
  ctx.bind(node.output(), { ...r0, value: out });
}

export function exportDequantize(ctx: ExportContext, node: Node): void {
  ctx.bind(node.output(), ctx.rep(node.input(0)!, node));
}
