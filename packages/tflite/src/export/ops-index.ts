// Indexing and data movement beyond the basics: Resize, Split, Gather / GatherND on data that is
// not folded, Expand, Tile, Range, and MatMul of two dynamic operands (attention) as BATCH_MATMUL.
import { attr, type Node } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { applyLayout, identity, NHWC, normAxis } from './layout.js';
import type { ExportHandler } from './op-table.js';
import { tfliteResizeFlags } from './resize-geometry.js';

function exportResize(ctx: ExportContext, node: Node, opset: number): void {
  const x = ctx.input(node.input(0)!, node);
  if (x.shape.length !== 4) unsupported('only 4-D (NCHW) Resize is exported', node, 'X');
  const mode = node.getString('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') unsupported(`Resize mode '${mode}' has no TFLite op`, node, 'mode');
  if (node.getInt('antialias', 0) !== 0) unsupported('antialiased Resize has no TFLite op', node, 'antialias');
  if (node.getInts('axes') !== undefined) unsupported('Resize with axes is not exported', node, 'axes');
  const scalesInput = opset >= 11 ? node.input(2) : node.input(1);
  const sizes = opset >= 11 && node.input(3) !== null ? ctx.intsConst(node.input(3)) : undefined;
  const scales = sizes === undefined && scalesInput !== null ? ctx.floatConst(scalesInput) : undefined;
  if (sizes === undefined && (scales === undefined || scales.length !== 4))
    unsupported('Resize needs constant sizes or scales', node, 'scales');
  const out = sizes ?? x.shape.map((d, i) => Math.floor(d * scales![i]!));
  if (out[0] !== x.shape[0] || out[1] !== x.shape[1]) unsupported('Resize of the batch or channel dims', node, 'sizes');
  const flags = [2, 3].map((axis) =>
    tfliteResizeFlags(
      {
        mode,
        coordinates: node.getString('coordinate_transformation_mode', 'half_pixel'),
        nearestMode: node.getString('nearest_mode', 'round_prefer_floor'),
        scale: scales?.[axis] ?? out[axis]! / x.shape[axis]!,
      },
      x.shape[axis]!,
      out[axis]!,
    ),
  );
  const [fh, fw] = flags;
  if (
    fh === undefined ||
    fw === undefined ||
    fh.alignCorners !== fw.alignCorners ||
    fh.halfPixelCenters !== fw.halfPixelCenters
  )
    unsupported(
      `Resize (${mode}, ${node.getString('coordinate_transformation_mode', 'half_pixel')}) samples positions no TFLite RESIZE_* flags reproduce`,
      node,
      'coordinate_transformation_mode',
    );
  const xin = ctx.inLayout(x, NHWC, node);
  const outShape = [out[0]!, out[1]!, out[2]!, out[3]!];
  const v = ctx.op(
    mode === 'linear' ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR',
    [xin.value, ctx.int32Const('size', [out[2]!, out[3]!])],
    { align_corners: attr.int(fh.alignCorners ? 1 : 0), half_pixel_centers: attr.int(fh.halfPixelCenters ? 1 : 0) },
    applyLayout(outShape, NHWC),
    'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: v, shape: outShape, layout: NHWC });
}

function exportSplit(ctx: ExportContext, node: Node, opset: number): void {
  const x = ctx.input(node.input(0)!, node);
  const axis = normAxis(node.getInt('axis', 0), x.shape.length);
  const count = node.outputs.length;
  const given =
    opset >= 13 ? (node.input(1) === null ? undefined : ctx.intsConst(node.input(1))) : node.getInts('split');
  if (opset >= 13 && node.input(1) !== null && given === undefined)
    unsupported('Split needs constant sizes', node, 'split');
  const dim = x.shape[axis]!;
  const chunk = Math.ceil(dim / count);
  const sizes = given ?? Array.from({ length: count }, (_, i) => Math.max(0, Math.min(chunk, dim - chunk * i)));
  const tAxis = x.layout.indexOf(axis);
  const equal = sizes.every((s) => s === sizes[0]);
  const names = node.outputs.map((v) => v!.name);
  const shapes = sizes.map((s) => x.shape.map((d, i) => (i === axis ? s : d)));
  const n = ctx.g.addNode({
    opType: equal ? 'SPLIT' : 'SPLIT_V',
    domain: 'tflite',
    inputs: equal
      ? [ctx.int32Const('axis', [tAxis], []), x.value]
      : [x.value, ctx.int32Const('size_splits', sizes), ctx.int32Const('axis', [tAxis], [])],
    outputs: names.map((nm) => ctx.name(nm)),
    attributes: { num_splits: attr.int(count) },
  });
  n.outputs.forEach((v, i) => {
    v!.type = { kind: 'tensor', dtype: x.value.dtype ?? 'float32', shape: applyLayout(shapes[i]!, x.layout) };
    ctx.bind(node.outputs[i]!, { value: v!, shape: shapes[i]!, layout: x.layout });
  });
}

function exportGather(ctx: ExportContext, node: Node): void {
  const data = ctx.input(node.input(0)!, node, identity(ctx.rep(node.input(0)!, node).shape.length));
  const idx = ctx.input(node.input(1)!, node);
  const indices = ctx.inLayout(idx, identity(idx.shape.length), node);
  const axis = normAxis(node.getInt('axis', 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const v = ctx.op(
    'GATHER',
    [data.value, indices.value],
    { axis: attr.int(axis), batch_dims: attr.int(0) },
    shape,
    data.value.dtype ?? 'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: v, shape, layout: identity(shape.length) });
}

function exportGatherND(ctx: ExportContext, node: Node): void {
  if (node.getInt('batch_dims', 0) !== 0)
    unsupported('GatherND batch_dims has no TFLite GATHER_ND form', node, 'batch_dims');
  const data = ctx.input(node.input(0)!, node, identity(ctx.rep(node.input(0)!, node).shape.length));
  const idx = ctx.input(node.input(1)!, node);
  const indices = ctx.inLayout(idx, identity(idx.shape.length), node);
  const k = indices.shape.at(-1)!;
  const shape = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  const v = ctx.op(
    'GATHER_ND',
    [data.value, indices.value],
    {},
    shape,
    data.value.dtype ?? 'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: v, shape, layout: identity(shape.length) });
}

function exportExpandOrTile(ctx: ExportContext, node: Node): void {
  const spec = ctx.intsConst(node.input(1));
  if (spec === undefined) unsupported(`${node.opType} needs a constant shape`, node, 'shape');
  let x: Rep = ctx.input(node.input(0)!, node);
  if (node.opType === 'Tile') {
    const shape = x.shape.map((d, i) => d * spec[i]!);
    const v = ctx.op(
      'TILE',
      [x.value, ctx.int32Const('multiples', applyLayout(spec, x.layout))],
      {},
      applyLayout(shape, x.layout),
      x.value.dtype ?? 'float32',
      node.output().name,
    );
    ctx.bind(node.output(), { value: v, shape, layout: x.layout });
    return;
  }
  const R = Math.max(spec.length, x.shape.length);
  const padded = [...new Array<number>(R - x.shape.length).fill(1), ...x.shape];
  const target = padded.map((d, i) => {
    const s = spec[i - (R - spec.length)] ?? 1;
    return d === 1 ? s : d;
  });
  if (x.shape.length !== R) x = ctx.inLayout(x, identity(x.shape.length), node);
  const layout = x.shape.length === R ? x.layout : identity(R);
  const v = ctx.op(
    'BROADCAST_TO',
    [x.value, ctx.int32Const('shape', applyLayout(target, layout))],
    {},
    applyLayout(target, layout),
    x.value.dtype ?? 'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: v, shape: target, layout });
}

function exportRange(ctx: ExportContext, node: Node): void {
  const parts = [0, 1, 2].map((i) => ctx.input(node.input(i)!, node).value);
  const len = node.output().shape?.[0];
  if (typeof len !== 'number') unsupported('Range needs a static output length', node, 'output');
  const v = ctx.op('RANGE', parts, {}, [len], parts[0]!.dtype ?? 'float32', node.output().name);
  ctx.bind(node.output(), { value: v, shape: [len], layout: [0] });
}

/** MatMul with a dynamic right operand (attention scores): BATCH_MATMUL with numpy broadcasting. */
export function exportBatchMatMul(ctx: ExportContext, node: Node): void {
  const a = ctx.input(node.input(0)!, node);
  const b = ctx.input(node.input(1)!, node);
  if (a.shape.length < 2 || b.shape.length < 2) unsupported('BATCH_MATMUL needs operands of rank 2 or more', node, 'A');
  const ar = ctx.inLayout(a, identity(a.shape.length), node);
  const br = ctx.inLayout(b, identity(b.shape.length), node);
  const R = Math.max(a.shape.length, b.shape.length);
  const batch = (s: number[]) => [...new Array<number>(R - s.length).fill(1), ...s.slice(0, -2)];
  const shape = [...batch(a.shape).map((d, i) => Math.max(d, batch(b.shape)[i]!)), a.shape.at(-2)!, b.shape.at(-1)!];
  const v = ctx.op(
    'BATCH_MATMUL',
    [ar.value, br.value],
    { adj_x: attr.int(0), adj_y: attr.int(0) },
    shape,
    'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: v, shape, layout: identity(R) });
}

export const INDEX_HANDLERS: Readonly<Record<string, ExportHandler>> = {
  Resize: exportResize,
  Split: exportSplit,
  GatherND: exportGatherND,
  Expand: exportExpandOrTile,
  Tile: exportExpandOrTile,
  Range: exportRange,
};

/** Gather when it is not a constant fold (the exporter folds constant Gathers first). */
export const exportDynamicGather: ExportHandler = exportGather;
