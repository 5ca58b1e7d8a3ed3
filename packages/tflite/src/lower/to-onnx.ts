// TFLite-domain IR -> ONNX-domain IR (opset 20; 21 when 16-bit quantized), so `enxuto convert x.tflite y.onnx` gives a model
// onnxruntime runs. Quantized tensors become QDQ: inputs and constants are dequantized where they
// are read, ops compute in float, quantized outputs are re-quantized with their own parameters.
// Tensors keep TFLite's NHWC layout; graph inputs and outputs keep their names, types and shapes.
// Known deviation: TFLite's LSTM cell_clip and its state carried across invocations have no ONNX
// LSTM counterpart (the ONNX LSTM starts from the state tensors' initial zeros on every run).
import { Model, UnsupportedError, type Graph, type Node, type Value } from '@enxuto/ir';
import { TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN } from '../extras.js';
import { LowerContext, quantOf } from './context.js';
import { CUSTOM_LOWERINGS, LOWERINGS } from './ops.js';

/** Opset of lowered models with 16-bit quantized tensors (QuantizeLinear gained int16 in 21). */
export const LOWERED_OPSET = 21;
/**
 * Opset of every other lowered model. onnxruntime 1.30's extended optimizations break opset-21
 * int8 QDQ models: the transpose optimizer writes QuantizeLinear nodes with `output_dtype` int8,
 * then the x86 int8 -> uint8 QDQ rewrite changes their zero points to uint8 only, and the model
 * fails to load ("output_dtype INT8 does not match y_zero_point type UINT8"). Opset 20's
 * QuantizeLinear has no `output_dtype`; no op the lowering writes differs between 20 and 21.
 */
export const LOWERED_OPSET_8BIT = 20;

const needsOpset21 = (g: Graph) =>
  g.nodes.some(
    (n) =>
      (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear') && /^u?int16$/.test(n.inputs[2]?.dtype ?? ''),
  );

/** Op types `lowerTfliteToOnnx` handles (builtins, then custom codes). */
export function lowerableOps(): string[] {
  return [...Object.keys(LOWERINGS).sort(), ...Object.keys(CUSTOM_LOWERINGS).sort()];
}

function lowerNode(ctx: LowerContext, n: Node): void {
  const table = n.domain === TFLITE_DOMAIN ? LOWERINGS : n.domain === TFLITE_CUSTOM_DOMAIN ? CUSTOM_LOWERINGS : {};
  const lowering = Object.hasOwn(table, n.opType) ? table[n.opType] : undefined;
  if (lowering === undefined) {
    const kind = n.domain === TFLITE_CUSTOM_DOMAIN ? 'custom op' : 'op';
    throw new UnsupportedError(`no ONNX lowering for TFLite ${kind} ${n.opType} (see lowerableOps())`, {
      code: 'tflite/lower-unsupported',
      node: n.label(),
      field: 'opType',
      value: n.opType,
    });
  }
  const results = lowering(ctx, n);
  n.outputs.forEach((out, i) => {
    if (out === null) return;
    let result = results[i]!;
    const q = quantOf(out);
    if (q !== undefined) result = ctx.quantize(result, q, out.name);
    ctx.g.rename(result, out.name);
    result.type = out.type;
    result.quant = out.quant;
    ctx.bind(out, result);
  });
}

/** A new model with every `tflite` node replaced by ONNX ops; the input model is not changed. */
export function lowerTfliteToOnnx(model: Model): Model {
  const out = new Model();
  out.opsetImports.clear();
  out.opsetImports.set('', LOWERED_OPSET);
  out.producerName = 'enxuto';
  out.docString = model.docString;
  for (const [k, v] of model.metadata) out.metadata.set(k, v);
  const src = model.graph;
  const g = out.graph;
  g.name = src.name;
  const ctx = new LowerContext(g, new Set([...src.values()].map((v) => v.name)));
  const copy = (v: Value, now: Value) => {
    now.quant = v.quant;
    ctx.bind(v, now);
  };
  for (const v of src.inputs) copy(v, g.addInput(v.name, v.type));
  for (const n of src) lowerNode(ctx, n);
  g.setOutputs(src.outputs.map((v) => ctx.raw(v)));
  out.opsetImports.set('', needsOpset21(g) ? LOWERED_OPSET : LOWERED_OPSET_8BIT);
  return out;
}
