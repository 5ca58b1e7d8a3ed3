// QuantizeLinear / DequantizeLinear on activations. In int8 mode a Q -> DQ pair is one int8
// tensor: Q becomes QUANTIZE only where its input is float (or has other parameters), DQ is free
// (float readers get a DEQUANTIZE on demand). In the other modes the pair is dropped: TFLite
// computes in float there, as the original float model did.
import type { Node } from '@enxuto/ir';
import { sameQuant, unsupported, type ExportContext } from './context.js';
import { applyLayout } from './layout.js';
import { qdqParams } from './qdq.js';

export function exportQuantize(ctx: ExportContext, node: Node): void {
  const r0 = ctx.rep(node.input(0)!, node);
  if (!ctx.int8) {
    ctx.bind(node.output(), ctx.float(r0));
    return;
  }
  const q = qdqParams(ctx, node, r0.shape.length);
  if (q === undefined) unsupported('only int8/uint8 QuantizeLinear is exported', node, 'y_zero_point');
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
