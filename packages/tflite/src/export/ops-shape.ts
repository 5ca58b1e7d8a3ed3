// Data-movement ops. Transpose only changes the layout bookkeeping (no op); Reshape / Flatten
// need ONNX order, except right before a fully connected layer, where the NHWC -> NCHW transpose
// is folded into the weights; Concat / Pad / Slice work in their input's layout.
import { attr, tensorFromValues, type Node, type Value } from '@enxuto/ir';
import { unsupported, type ExportContext, type Rep } from './context.js';
import { applyLayout, identity, NHWC, normAxis, sameLayout } from './layout.js';
import { nhwcFlattenPerm } from './weights.js';

/** The target shape of Reshape (0 copies, -1 infers) / Flatten / Squeeze / Unsqueeze. */
export function targetShape(ctx: ExportContext, node: Node, inShape: readonly number[], opset: number): number[] {
  const size = inShape.reduce((p, d) => p * d, 1);
  switch (node.opType) {
    case 'Flatten': {
      const axis = normAxis(node.getInt('axis', 1), inShape.length);
      const outer = inShape.slice(0, axis).reduce((p, d) => p * d, 1);
      return [outer, size / outer];
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = opset >= 13 ? ctx.intsConst(node.input(1)) : node.getInts('axes');
      if (node.opType === 'Squeeze') {
        if (axes === undefined) return inShape.filter((d) => d !== 1);
        const norm = axes.map((a) => normAxis(a, inShape.length));
        return inShape.filter((_, i) => !norm.includes(i));
      }
      if (axes === undefined) unsupported('Unsqueeze needs constant axes', node, 'axes');
      const rank = inShape.length + axes.length;
      const norm = axes.map((a) => normAxis(a, rank));
      const out: number[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : inShape[j++]!);
      return out;
    }
    default: {
      const spec = node.inputs.length > 1 ? ctx.intsConst(node.input(1)) : node.getInts('shape');
      if (spec === undefined) unsupported('Reshape needs a constant shape', node, 'shape');
      const allowZero = node.getInt('allowzero', 0) === 1;
      const out = spec.map((d, i) => (d === 0 && !allowZero ? inShape[i]! : d));
      const known = out.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      const resolved = out.map((d) => (d === -1 ? size / known : d));
      if (resolved.reduce((p, d) => p * d, 1) !== size || resolved.some((d) => !Number.isInteger(d)))
        unsupported(`cannot reshape [${inShape}] to [${spec}]`, node, 'shape');
      return resolved;
    }
  }
}

/** True when every reader of `v` is a fully connected layer (Gemm / MatMul with a constant weight). */
function onlyDenseReaders(ctx: ExportContext, v: Value, depth = 0): boolean {
  if (v.isGraphOutput() || v.uses().length === 0 || depth > 4) return false;
  return v.uses().every(({ node, index }) => {
    if (index !== 0 || node.domain !== '') return false;
    // Q -> DQ pairs are elementwise: look through them (quantize-static puts one before the Gemm).
    if (node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear' || node.opType === 'Identity')
      return onlyDenseReaders(ctx, node.output(), depth + 1);
    return (
      (node.opType === 'Gemm' || node.opType === 'MatMul') &&
      ctx.constOf(node.input(1))?.shape.length === 2 &&
      (node.opType !== 'Gemm' || node.getInt('transA', 0) === 0)
    );
  });
}

export function exportReshape(ctx: ExportContext, node: Node, opset: number): void {
  const x = node.input(0)!;
  const r0 = ctx.rep(x, node);
  const shape = targetShape(ctx, node, r0.shape, opset);
  const out = node.output();
  const quantized = ctx.int8 && r0.value.quant !== undefined;
  let src: Rep = quantized ? r0 : ctx.float(r0);
  const dtype = quantized ? 'int8' : (src.value.dtype ?? 'float32');
  const quant = quantized ? src.value.quant : undefined;
  const flattensNhwc =
    r0.shape.length === 4 && sameLayout(src.layout, NHWC) && shape.length === 2 && shape[0] === r0.shape[0];
  if (flattensNhwc && onlyDenseReaders(ctx, out)) {
    // Keep the NHWC order and let the FULLY_CONNECTED weights absorb the NCHW flattening order.
    const [, c, h, w] = r0.shape as [number, number, number, number];
    const v = ctx.op(
      'RESHAPE',
      [src.value, ctx.int32Const('shape', shape)],
      { new_shape: attr.ints(shape) },
      shape,
      dtype,
      out.name,
      quant,
    );
    ctx.bind(out, { value: v, shape, layout: identity(2), rowPerm: nhwcFlattenPerm(c, h, w) });
    return;
  }
  src = ctx.inLayout(src, identity(r0.shape.length), node);
  // Reshape of a reshape: read the first one's input (the bypassed op goes if nothing else reads it).
  const before = src.value.producer();
  const data = before?.opType === 'RESHAPE' && before.domain === 'tflite' ? before.input(0)! : src.value;
  const v = ctx.op(
    'RESHAPE',
    [data, ctx.int32Const('shape', shape)],
    { new_shape: attr.ints(shape) },
    shape,
    dtype,
    out.name,
    quant,
  );
  ctx.bind(out, { value: v, shape, layout: identity(shape.length) });
}

/** Transpose is layout bookkeeping: the output is the input's tensor seen in another layout. */
export function exportTranspose(ctx: ExportContext, node: Node): void {
  const r0 = ctx.rep(node.input(0)!, node);
  if (r0.rowPerm !== undefined) unsupported('Transpose of a flattened NHWC block is not supported', node);
  const rank = r0.shape.length;
  const perm = node.getInts('perm', identity(rank).reverse());
  const shape = perm.map((p) => r0.shape[p]!);
  const layout = r0.layout.map((d) => perm.indexOf(d));
  ctx.bind(node.output(), { value: r0.value, shape, layout });
}

export function exportConcat(ctx: ExportContext, node: Node): void {
  const inputs = node.inputs.filter((v): v is Value => v !== null);
  const first = inputs.find((v) => ctx.constOf(v) === undefined);
  if (first === undefined) unsupported('Concat of constants was not folded', node);
  const rank = ctx.rep(first, node).shape.length;
  const axis = normAxis(node.getInt('axis', 0), rank);
  const layout = ctx.float(ctx.rep(first, node)).layout;
  const parts = inputs.map((v) =>
    ctx.constOf(v) !== undefined
      ? { value: ctx.constInLayout(v, layout, node), shape: [...ctx.constOf(v)!.shape] }
      : ctx.input(v, node, layout),
  );
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  const out = ctx.op(
    'CONCATENATION',
    parts.map((p) => p.value),
    { axis: attr.int(layout.indexOf(axis)), fused_activation_function: attr.string('NONE') },
    applyLayout(shape, layout),
    parts[0]!.value.dtype ?? 'float32',
    node.output().name,
  );
  ctx.bind(node.output(), { value: out, shape, layout });
}

export function exportPad(ctx: ExportContext, node: Node, opset: number): void {
  const mode = node.getString('mode', 'constant');
  if (mode !== 'constant') unsupported(`Pad mode '${mode}' is not exported (only constant)`, node, 'mode');
  const r0 = ctx.rep(node.input(0)!, node);
  const rank = r0.shape.length;
  const pads = opset >= 11 ? ctx.intsConst(node.input(1)) : node.getInts('pads');
  if (pads === undefined || pads.length !== 2 * rank)
    unsupported('Pad needs constant pads for every axis', node, 'pads');
  if (opset >= 18 && node.input(3) !== null) unsupported('Pad with axes is not supported', node, 'axes');
  if (pads.some((p) => p < 0)) unsupported('negative pads are not supported', node, 'pads');
  const value = opset >= 11 ? (ctx.floatConst(node.input(2))?.[0] ?? 0) : node.getFloat('value', 0);
  const quantized = ctx.int8 && r0.value.quant !== undefined && value === 0;
  const x = quantized ? r0 : ctx.float(r0);
  if (x.rowPerm !== undefined) unsupported('Pad of a flattened NHWC block is not supported', node);
  const shape = r0.shape.map((d, i) => d + pads[i]! + pads[i + rank]!);
  const paddings = ctx.int32Const(
    'paddings',
    x.layout.flatMap((d) => [pads[d]!, pads[d + rank]!]),
    [rank, 2],
  );
  const tflShape = applyLayout(shape, x.layout);
  const out =
    value === 0
      ? ctx.op(
          'PAD',
          [x.value, paddings],
          {},
          tflShape,
          quantized ? 'int8' : (x.value.dtype ?? 'float32'),
          node.output().name,
          quantized ? x.value.quant : undefined,
        )
      : ctx.op(
          'PADV2',
          [x.value, paddings, ctx.addConst('pad_value', tensorFromValues('float32', [], [value]))],
          {},
          tflShape,
          'float32',
          node.output().name,
        );
  ctx.bind(node.output(), { value: out, shape, layout: x.layout });
}

export function exportSlice(ctx: ExportContext, node: Node, opset: number): void {
  const r0 = ctx.rep(node.input(0)!, node);
  const rank = r0.shape.length;
  const read = (i: number, name: string): number[] | undefined =>
    opset >= 10 ? (node.input(i) === null ? undefined : ctx.intsConst(node.input(i))) : node.getInts(name);
  const starts = read(1, 'starts');
  const ends = read(2, 'ends');
  if (starts === undefined || ends === undefined) unsupported('Slice needs constant starts and ends', node, 'starts');
  const axes = (read(3, 'axes') ?? starts.map((_, i) => i)).map((a) => normAxis(a, rank));
  const steps = opset >= 10 ? (read(4, 'steps') ?? starts.map(() => 1)) : starts.map(() => 1);
  const begin = r0.shape.map(() => 0);
  const end = [...r0.shape];
  const stride = r0.shape.map(() => 1);
  let endMask = 0;
  const shape = [...r0.shape];
  axes.forEach((axis, k) => {
    const dim = r0.shape[axis]!;
    const step = steps[k]!;
    if (step === 0) unsupported('Slice step 0', node, 'steps');
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v < 0 ? v + dim : v));
    const s = step > 0 ? clamp(starts[k]!, 0, dim) : clamp(starts[k]!, 0, dim - 1);
    const e = step > 0 ? clamp(ends[k]!, 0, dim) : ends[k]! < -dim ? -1 : clamp(ends[k]!, -1, dim - 1);
    begin[axis] = s;
    end[axis] = e;
    stride[axis] = step;
    shape[axis] = Math.max(0, Math.ceil((e - s) / step));
  });
  const quantized = ctx.int8 && r0.value.quant !== undefined;
  const x = quantized ? r0 : ctx.float(r0);
  if (x.rowPerm !== undefined) unsupported('Slice of a flattened NHWC block is not supported', node);
  const L = x.layout;
  const tEnd = L.map((d) => end[d]!);
  L.forEach((d, i) => {
    // A negative step running past index 0: TFLite would read -1 as the last index, so use the mask.
    if (end[d] === -1) {
      endMask |= 1 << i;
      tEnd[i] = 0;
    }
  });
  const inputs = [
    x.value,
    ctx.int32Const(
      'begin',
      L.map((d) => begin[d]!),
    ),
    ctx.int32Const('end', tEnd),
    ctx.int32Const(
      'strides',
      L.map((d) => stride[d]!),
    ),
  ];
  const options = {
    begin_mask: attr.int(0),
    end_mask: attr.int(endMask),
    ellipsis_mask: attr.int(0),
    new_axis_mask: attr.int(0),
    shrink_axis_mask: attr.int(0),
    offset: attr.int(0),
  };
  const out = ctx.op(
    'STRIDED_SLICE',
    inputs,
    options,
    applyLayout(shape, L),
    quantized ? 'int8' : (x.value.dtype ?? 'float32'),
    node.output().name,
    quantized ? x.value.quant : undefined,
  );
  ctx.bind(node.output(), { value: out, shape, layout: L });
}
