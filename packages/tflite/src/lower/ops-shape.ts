// Shape, indexing and data-movement builtins. TFLite keeps shapes and indices in int32 tensors;
// ONNX wants int64 for most of them, so they are cast (onnxruntime folds casts of constants).
import { attr, type Attr, type DataType, type Node, type Value } from '@enxuto/ir';
import { constInts, type LowerContext } from './context.js';
import { constantInput, input, inNchw, transpose, unsupported, type Lowering } from './helpers.js';

/** ONNX TensorProto data type codes. */
export const ONNX_TYPE: Partial<Record<DataType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

/** An integer input as int64: a constant when it is one, else a Cast. */
function int64Input(ctx: LowerContext, n: Node, i: number): Value {
  const known = constInts(n.inputs[i] ?? null);
  if (known !== undefined) return ctx.int64('ints', known, [...n.inputs[i]!.const!.shape]);
  return ctx.op('Cast', [input(ctx, n, i)], { to: attr.int(7) })[0]!;
}

function castTo(ctx: LowerContext, n: Node, x: Value, dtype: DataType | undefined): Value {
  const code = dtype === undefined ? undefined : ONNX_TYPE[dtype];
  if (code === undefined) unsupported(n, `output type ${dtype ?? 'unknown'} has no ONNX Cast`, 'outputs[0]');
  return ctx.op('Cast', [x], { to: attr.int(code) })[0]!;
}

function rankOf(n: Node, i: number): number {
  const r = n.inputs[i]?.shape?.length;
  if (r === undefined) unsupported(n, `the rank of input ${i} must be known`, `inputs[${i}]`);
  return r;
}

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function squeeze(ctx: LowerContext, n: Node): Value[] {
  let axes = n.getInts('squeeze_dims') ?? [];
  if (axes.length === 0) {
    const shape = n.inputs[0]?.shape;
    if (shape === undefined || shape.some((d) => typeof d !== 'number'))
      unsupported(n, 'squeezing every size-1 dim needs a static input shape', 'squeeze_dims');
    axes = shape.flatMap((d, i) => (d === 1 ? [i] : []));
  }
  return [ctx.op('Squeeze', [input(ctx, n, 0), ctx.int64('axes', axes)])[0]!];
}

function split(ctx: LowerContext, n: Node, x: Value, axis: number, sizes: number[] | undefined): Value[] {
  const count = n.outputs.length;
  const inputs = sizes === undefined ? [x] : [x, ctx.int64('split', sizes)];
  const attrs = { axis: attr.int(axis), ...(sizes === undefined ? { num_outputs: attr.int(count) } : {}) };
  return ctx.op('Split', inputs, attrs, 'split', count);
}

function splitV(ctx: LowerContext, n: Node): Value[] {
  const sizes = constantInput(n, 1, 'size_splits');
  const rank = rankOf(n, 0);
  const axis = norm(constantInput(n, 2, 'axis')[0]!, rank);
  const inferred = sizes.indexOf(-1);
  if (inferred >= 0) {
    const dim = n.inputs[0]?.shape?.[axis];
    if (typeof dim !== 'number') unsupported(n, 'a -1 split size needs a static dim', 'inputs[1]');
    sizes[inferred] = dim - sizes.reduce((s, v, i) => (i === inferred ? s : s + v), 0);
  }
  return split(ctx, n, input(ctx, n, 0), axis, sizes);
}

function slice(ctx: LowerContext, n: Node): Value[] {
  const begin = constantInput(n, 1, 'begin');
  const size = constantInput(n, 2, 'size');
  const ends = begin.map((b, i) => (size[i] === -1 ? 2 ** 62 : b + size[i]!));
  const axes = begin.map((_, i) => i);
  return [
    ctx.op('Slice', [
      input(ctx, n, 0),
      ctx.int64('starts', begin),
      ctx.int64('ends', ends),
      ctx.int64('axes', axes),
    ])[0]!,
  ];
}

function resize(mode: 'linear' | 'nearest'): Lowering {
  return (ctx, n) => {
    const align = n.getInt('align_corners', 0) !== 0;
    const halfPixel = n.getInt('half_pixel_centers', 0) !== 0;
    if (align && halfPixel) unsupported(n, 'align_corners together with half_pixel_centers', 'half_pixel_centers');
    const coordinates = align
      ? 'align_corners'
      : halfPixel
        ? mode === 'linear'
          ? 'half_pixel'
          : 'tf_half_pixel_for_nn'
        : 'asymmetric';
    const attrs = {
      mode: attr.string(mode),
      coordinate_transformation_mode: attr.string(coordinates),
      // TFLite rounds half away from zero with align_corners, else floors.
      ...(mode === 'nearest' ? { nearest_mode: attr.string(align ? 'round_prefer_ceil' : 'floor') } : {}),
    };
    // Resize only H and W of the NCHW form (onnxruntime runs 2-D resizes on NCHW).
    const hw = int64Input(ctx, n, 1);
    return [
      inNchw(ctx, n, input(ctx, n, 0), (x) => {
        const nc = ctx.op('Slice', [ctx.op('Shape', [x])[0]!, ctx.int64('zero', [0]), ctx.int64('two', [2])])[0]!;
        const sizes = ctx.op('Concat', [nc, hw], { axis: attr.int(0) })[0]!;
        return ctx.op('Resize', [x, null, null, sizes], attrs)[0]!;
      }),
    ];
  };
}

function spaceDepth(opType: 'DepthToSpace' | 'SpaceToDepth'): Lowering {
  return (ctx, n) => {
    const block = attr.int(n.getInt('block_size', 1));
    // TF's depth_to_space is ONNX's DCR order.
    const attrs: Record<string, Attr> = { blocksize: block };
    if (opType === 'DepthToSpace') attrs['mode'] = attr.string('DCR');
    return [inNchw(ctx, n, input(ctx, n, 0), (x) => ctx.op(opType, [x], attrs)[0]!)];
  };
}

function batchMatMul(ctx: LowerContext, n: Node): Value[] {
  const operand = (i: number, adjoint: boolean): Value => {
    const x = input(ctx, n, i);
    if (!adjoint) return x;
    const rank = rankOf(n, i);
    const perm = Array.from({ length: rank }, (_, k) => k);
    [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
    return transpose(ctx, x, perm, 'adjoint');
  };
  const a = operand(0, n.getInt('adj_x', 0) !== 0);
  const b = operand(1, n.getInt('adj_y', 0) !== 0);
  return [ctx.op('MatMul', [a, b])[0]!];
}

function argExtreme(opType: 'ArgMax' | 'ArgMin'): Lowering {
  return (ctx, n) => {
    const axis = constantInput(n, 1, 'axis')[0]!;
    const y = ctx.op(opType, [input(ctx, n, 0)], { axis: attr.int(axis), keepdims: attr.int(0) })[0]!;
    return [n.outputs[0]?.dtype === 'int64' ? y : castTo(ctx, n, y, n.outputs[0]?.dtype)];
  };
}

function mirrorPad(ctx: LowerContext, n: Node): Value[] {
  const mode = n.getString('mode', 'REFLECT');
  // ONNX has reflect (TF REFLECT) and edge; TF's SYMMETRIC repeats the border and has no ONNX mode.
  if (mode !== 'REFLECT') unsupported(n, `MIRROR_PAD mode ${mode} has no ONNX Pad mode`, 'mode');
  return [ctx.op('Pad', [input(ctx, n, 0), padsOf(ctx, n)], { mode: attr.string('reflect') })[0]!];
}

/** TFLite paddings [rank, 2] -> ONNX pads [begin..., end...]. */
function padsOf(ctx: LowerContext, n: Node): Value {
  const p = constantInput(n, 1, 'paddings');
  const rank = p.length / 2;
  return ctx.int64('pads', [
    ...Array.from({ length: rank }, (_, i) => p[2 * i]!),
    ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!),
  ]);
}

export const SHAPE_LOWERINGS: Readonly<Record<string, Lowering>> = {
  SQUEEZE: squeeze,
  EXPAND_DIMS: (ctx, n) => [ctx.op('Unsqueeze', [input(ctx, n, 0), int64Input(ctx, n, 1)])[0]!],
  SPLIT: (ctx, n) => split(ctx, n, input(ctx, n, 1), norm(constantInput(n, 0, 'axis')[0]!, rankOf(n, 1)), undefined),
  SPLIT_V: splitV,
  PACK: (ctx, n) => {
    const axis = ctx.int64('axis', [n.getInt('axis', 0)]);
    const parts = n.inputs.map((_, i) => ctx.op('Unsqueeze', [input(ctx, n, i), axis])[0]!);
    return [ctx.op('Concat', parts, { axis: attr.int(n.getInt('axis', 0)) })[0]!];
  },
  UNPACK: (ctx, n) => {
    const axis = norm(n.getInt('axis', 0), rankOf(n, 0));
    const parts = split(ctx, n, input(ctx, n, 0), axis, undefined);
    return parts.map((p) => ctx.op('Squeeze', [p, ctx.int64('axes', [axis])])[0]!);
  },
  SLICE: slice,
  GATHER: (ctx, n) => {
    if (n.getInt('batch_dims', 0) !== 0) unsupported(n, 'batch_dims has no ONNX Gather form', 'batch_dims');
    return [ctx.op('Gather', [input(ctx, n, 0), input(ctx, n, 1)], { axis: attr.int(n.getInt('axis', 0)) })[0]!];
  },
  GATHER_ND: (ctx, n) => [ctx.op('GatherND', [input(ctx, n, 0), int64Input(ctx, n, 1)])[0]!],
  TILE: (ctx, n) => [ctx.op('Tile', [input(ctx, n, 0), int64Input(ctx, n, 1)])[0]!],
  BROADCAST_TO: (ctx, n) => [ctx.op('Expand', [input(ctx, n, 0), int64Input(ctx, n, 1)])[0]!],
  FILL: (ctx, n) => [ctx.op('Expand', [input(ctx, n, 1), int64Input(ctx, n, 0)])[0]!],
  ZEROS_LIKE: (ctx, n) => {
    const x = input(ctx, n, 0);
    const zero = castTo(ctx, n, ctx.float32('zero', [0]), n.inputs[0]?.dtype);
    return [ctx.op('Expand', [zero, ctx.op('Shape', [x])[0]!])[0]!];
  },
  SHAPE: (ctx, n) => {
    const s = ctx.op('Shape', [input(ctx, n, 0)])[0]!;
    return [n.outputs[0]?.dtype === 'int64' ? s : castTo(ctx, n, s, n.outputs[0]?.dtype)];
  },
  RANK: (ctx, n) => [ctx.int32Scalar('rank', rankOf(n, 0))],
  CAST: (ctx, n) => [castTo(ctx, n, input(ctx, n, 0), n.outputs[0]?.dtype)],
  RANGE: (ctx, n) => [ctx.op('Range', [input(ctx, n, 0), input(ctx, n, 1), input(ctx, n, 2)])[0]!],
  REVERSE_V2: (ctx, n) => {
    const axes = constantInput(n, 1, 'axis');
    const big = 2 ** 62;
    return [
      ctx.op('Slice', [
        input(ctx, n, 0),
        ctx.int64(
          'starts',
          axes.map(() => -1),
        ),
        ctx.int64(
          'ends',
          axes.map(() => -big),
        ),
        ctx.int64('axes', axes),
        ctx.int64(
          'steps',
          axes.map(() => -1),
        ),
      ])[0]!,
    ];
  },
  PADV2: (ctx, n) => [ctx.op('Pad', [input(ctx, n, 0), padsOf(ctx, n), input(ctx, n, 2)])[0]!],
  MIRROR_PAD: mirrorPad,
  RESIZE_BILINEAR: resize('linear'),
  RESIZE_NEAREST_NEIGHBOR: resize('nearest'),
  DEPTH_TO_SPACE: spaceDepth('DepthToSpace'),
  SPACE_TO_DEPTH: spaceDepth('SpaceToDepth'),
  BATCH_MATMUL: batchMatMul,
  ARG_MAX: argExtreme('ArgMax'),
  ARG_MIN: argExtreme('ArgMin'),
};
