// ONNX-domain IR -> `tflite`-domain IR ready for writeTflite: NCHW -> NHWC layout, op mapping
// with fusions, and the four export modes. The source model is not changed.
import { ConfigError, Model, tensorType, UnsupportedError, type DataType, type Dim, type Value } from '@enxuto/ir';
import { findInt32Overflow, FOLDABLE_OPS } from '@enxuto/transforms';
import { TFLITE_DOMAIN } from '../extras.js';
import { ExportContext, unsupported } from './context.js';
import { FOLDABLE, tryFold } from './const-fold.js';
import { bindQuantizedInput, quantizedIo, quantizedOutput } from './io-quantized.js';
import { applyLayout, identity, NHWC } from './layout.js';
import { EXPORT_HANDLERS } from './op-table.js';
import { EXPORT_MODES, type TfliteExportOptions } from './options.js';
import { narrowWidenedSums } from './widened-sums.js';

/** Graph input types TFLite models take as they are (float data, token ids, masks). */
const INPUT_TYPES: ReadonlySet<DataType> = new Set(['float32', 'int32', 'int64', 'bool']);

function staticShape(v: Value, fill: number): number[] {
  const shape = v.shape;
  if (shape === undefined) unsupported(`graph input ${v.name} has no shape`, undefined, v.name);
  return shape.map((d: Dim) => (typeof d === 'number' && d >= 0 ? d : fill));
}

export function exportToTflite(source: Model, options: TfliteExportOptions = {}): Model {
  const model = narrowWidenedSums(source);
  const mode = options.mode ?? 'float32';
  if (!EXPORT_MODES.includes(mode))
    throw new ConfigError(`unknown TFLite export mode '${String(mode)}' (${EXPORT_MODES.join(', ')})`, {
      code: 'tflite/bad-mode',
      field: 'mode',
    });
  const src = model.graph;
  const opset = model.opset('') ?? 21;
  const nodes = [...src];
  for (const n of nodes) {
    if (n.domain !== '' && n.domain !== 'ai.onnx')
      unsupported(`op ${n.domain}.${n.opType} has no TFLite mapping`, n, 'domain');
  }
  if (mode === 'int8' && !nodes.some((n) => n.opType === 'QuantizeLinear')) {
    throw new UnsupportedError('int8 export needs a QDQ model (run quantize-static first): no QuantizeLinear found', {
      code: 'tflite/export-needs-qdq',
      field: 'mode',
    });
  }

  // Name every unmappable op up front rather than failing on a side effect of the first one.
  const missing = nodes.filter(
    (n) =>
      EXPORT_HANDLERS[n.opType] === undefined &&
      !FOLDABLE.has(n.opType) &&
      !(FOLDABLE_OPS as readonly string[]).includes(n.opType) &&
      n.opType !== 'DequantizeLinear',
  );
  if (missing.length > 0) {
    const types = [...new Set(missing.map((n) => n.opType))];
    unsupported(
      `ONNX op${types.length > 1 ? 's' : ''} ${types.join(', ')} ha${types.length > 1 ? 've' : 's'} no TFLite mapping`,
      missing[0],
      'opType',
    );
  }

  const big = findInt32Overflow(model);
  if (big !== undefined)
    throw new UnsupportedError(`dimension ${big.dim} does not fit TFLite's int32 shapes`, {
      code: 'tflite/int32-overflow',
      value: big.value,
      field: big.field,
    });

  const out = new Model();
  out.opsetImports.clear();
  out.opsetImports.set(TFLITE_DOMAIN, 3);
  out.producerName = 'enxuto';
  out.docString = model.docString;
  out.graph.name = src.name;
  const ctx = new ExportContext(out.graph, mode);
  const sparse = options.sparseWeights ?? 'auto';
  if (sparse !== 'auto' && sparse !== 'never')
    throw new ConfigError(`unknown sparseWeights '${String(sparse)}' (auto, never)`, {
      code: 'tflite/bad-option',
      field: 'sparseWeights',
    });
  ctx.sparseWeights = sparse;

  for (const v of src.inputs) {
    if (v.const !== undefined) continue;
    const dtype = v.dtype;
    if (quantizedIo(v)) {
      bindQuantizedInput(ctx, v, staticShape(v, options.symbolicDimSize ?? 1));
      continue;
    }
    if (dtype === undefined || !INPUT_TYPES.has(dtype))
      unsupported(
        `graph input ${v.name} is ${dtype ?? 'untyped'}; inputs of ${[...INPUT_TYPES].join(', ')} are exported`,
        undefined,
        v.name,
      );
    const shape = staticShape(v, options.symbolicDimSize ?? 1);
    const layout = options.inputLayout === 'NHWC' && shape.length === 4 ? NHWC : identity(shape.length);
    const input = out.graph.addInput(v.name, tensorType(dtype, applyLayout(shape, layout)));
    ctx.bind(v, { value: input, shape, layout });
  }

  // Constants first, so look-ahead (weights of a later Gemm, Clip bounds) sees them folded.
  const folded = new Set(
    nodes.filter(
      (n) =>
        n.opType !== 'Shape' &&
        n.inputs.every((v) => v === null || ctx.constOf(v) !== undefined) &&
        tryFold(ctx, n, opset),
    ),
  );
  for (const n of nodes) {
    if (ctx.absorbed.has(n) || folded.has(n)) continue;
    if (tryFold(ctx, n, opset)) continue;
    const handler = EXPORT_HANDLERS[n.opType];
    if (handler === undefined) unsupported(`ONNX op ${n.opType} has no TFLite mapping`, n, 'opType');
    handler(ctx, n, opset);
  }

  const outputs = src.outputs.map((v) => {
    if (!ctx.has(v)) unsupported(`graph output ${v.name} is constant or was not exported`, undefined, v.name);
    const anyNode = v.producer() ?? nodes[0]!;
    const rep = ctx.rep(v, anyNode);
    const r = ctx.inLayout(quantizedIo(v) ? rep : ctx.float(rep), identity(rep.shape.length), anyNode);
    let value = quantizedIo(v) ? quantizedOutput(ctx, v, r) : r.value;
    if (value.isGraphInput() || out.graph.outputs.includes(value)) {
      value = ctx.op(
        'RESHAPE',
        [value, ctx.int32Const('shape', r.shape)],
        {},
        r.shape,
        value.dtype ?? 'float32',
        v.name,
      );
    }
    if (value.name !== v.name) {
      const holder = out.graph.value(v.name);
      if (holder !== undefined) out.graph.rename(holder, out.graph.uniqueName(`${v.name}_internal`));
      out.graph.rename(value, v.name);
    }
    out.graph.addOutput(value);
    return value;
  });
  void outputs;
  removeDeadOps(out);
  return out;
}

/** Drops ops (and constants) nothing reads any more, e.g. a RESHAPE that a later one bypassed. */
function removeDeadOps(model: Model): void {
  const g = model.graph;
  for (const n of [...g].reverse()) {
    if (n.outputs.every((v) => v === null || (v.uses().length === 0 && !v.isGraphOutput()))) g.remove(n);
  }
  for (const v of g.initializers())
    if (v.uses().length === 0 && !v.isGraphOutput() && !v.isGraphInput()) g.removeValue(v);
}
