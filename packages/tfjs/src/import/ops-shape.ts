// TF shape ops -> ONNX: reshapes, joins and splits, padding, tiling, shape queries and the ops that
// make tensors of a given shape (Fill, Range, ZerosLike). Shape operands may be computed at run time.
import { attr, type Attr, type DataType, tensorFromValues, type Value } from '@enxuto/ir';
import { attrInt, attrInts, attrString, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import { BIG, constAxis, runType, type TfImporter } from './common.js';
import type { ImportContext } from './context.js';

/** TF reads 0 in a shape as a zero-size dimension; ONNX copies the input's unless allowzero=1. */
const reshape: TfImporter = (ctx, n) => {
  const s = ctx.input(n, 1);
  const dims = ctx.maybeConstInts(s, n, 'shape');
  const allowZero = dims ? dims.includes(0) && !dims.includes(-1) : true;
  const attributes: Record<string, Attr> = allowZero ? { allowzero: attr.int(1) } : {};
  return ctx.op('Reshape', [ctx.input(n, 0), ctx.int64Of(s, n, `${n.name}/shape`)], attributes, n.name);
};

const squeeze: TfImporter = (ctx, n) => {
  const axes = attrInts(n, 'squeeze_dims') ?? attrInts(n, 'axis') ?? [];
  const inputs = [ctx.input(n, 0)];
  if (axes.length > 0) inputs.push(ctx.int64s(`${n.name}/axes`, axes));
  return ctx.op('Squeeze', inputs, {}, n.name);
};

const expandDims: TfImporter = (ctx, n) =>
  ctx.op('Unsqueeze', [ctx.input(n, 0), ctx.int64s(`${n.name}/axes`, [constAxis(ctx, n, 1, 'dim')])], {}, n.name);

function concat(axisFirst: boolean): TfImporter {
  return (ctx, n) => {
    if (n.inputs.length < 2)
      throw formatError(`${n.op} needs inputs and an axis`, 'tfjs/missing-input', n.where, 'input');
    const axisIndex = axisFirst ? 0 : n.inputs.length - 1;
    const axis = constAxis(ctx, n, axisIndex);
    const xs = n.inputs
      .map((_, i) => i)
      .filter((i) => i !== axisIndex)
      .map((i) => ctx.input(n, i));
    return ctx.op('Concat', xs, { axis: attr.int(axis) }, n.name);
  };
}

const pack: TfImporter = (ctx, n) => {
  const axis = attrInt(n, 'axis', 0);
  const axes = ctx.int64s(`${n.name}/axes`, [axis]);
  const xs = ctx.inputs(n).map((x) => ctx.op('Unsqueeze', [x, axes], {}, `${n.name}/unsqueeze`));
  return xs.length === 1 ? ctx.op('Identity', xs, {}, n.name) : ctx.op('Concat', xs, { axis: attr.int(axis) }, n.name);
};

/** Split into `count` parts along axis with ONNX Split (sizes as an int64 tensor, or equal parts). */
function split(ctx: ImportContext, n: TfNode, x: Value, axis: number, count: number, sizes?: Value): Value[] {
  if (count === 1) return [ctx.op('Identity', [x], {}, n.name)];
  const attributes: Record<string, Attr> = { axis: attr.int(axis) };
  if (!sizes) attributes.num_outputs = attr.int(count);
  const node = ctx.node('Split', sizes ? [x, sizes] : [x], attributes, n.name, count);
  return node.outputs.map((v) => v!);
}

const unpack: TfImporter = (ctx, n) => {
  const axis = attrInt(n, 'axis', 0);
  const num = attrInt(n, 'num', 0);
  if (num < 1) throw formatError('Unpack needs num >= 1', 'tfjs/bad-attr', n.where, 'attr.num');
  const parts = split(ctx, n, ctx.input(n, 0), axis, num, ctx.int64s(`${n.name}/split`, new Array(num).fill(1)));
  const axes = ctx.int64s(`${n.name}/axes`, [axis]);
  return parts.map((p) => ctx.op('Squeeze', [p, axes], {}, n.name));
};

const splitEqual: TfImporter = (ctx, n) => {
  const num = attrInt(n, 'num_split', 1);
  if (num < 1) throw formatError('Split needs num_split >= 1', 'tfjs/bad-attr', n.where, 'attr.num_split');
  return split(ctx, n, ctx.input(n, 1), constAxis(ctx, n, 0, 'split_dim'), num);
};

/** SplitV: one size may be -1 (the rest of the axis), resolved at run time. */
const splitSizes: TfImporter = (ctx, n) => {
  const x = ctx.input(n, 0);
  const sizes = ctx.constInts(ctx.input(n, 1), n, 'size_splits');
  const axis = constAxis(ctx, n, 2, 'split_dim');
  const rest = sizes.indexOf(-1);
  if (sizes.some((s, i) => s < -1 || (s === -1 && i !== rest)))
    throw formatError(
      'size_splits may hold one -1 and no other negative size',
      'tfjs/bad-operand',
      n.where,
      'size_splits',
    );
  if (rest < 0) return split(ctx, n, x, axis, sizes.length, ctx.int64s(`${n.name}/split`, sizes));
  const dim = ctx.op('Gather', [ctx.op('Shape', [x], {}, n.name), ctx.int64s(`${n.name}/axis`, [axis])], {}, n.name);
  const known = sizes.reduce((s, v) => (v === -1 ? s : s + v), 0);
  const restSize = ctx.op('Sub', [dim, ctx.int64s(`${n.name}/known`, [known])], {}, n.name);
  const parts = sizes.map((s, i) => (i === rest ? restSize : ctx.int64s(`${n.name}/size${i}`, [s])));
  return split(ctx, n, x, axis, sizes.length, ctx.op('Concat', parts, { axis: attr.int(0) }, `${n.name}/sizes`));
};

/** TF paddings [[before, after], ...] -> ONNX pads [befores..., afters...] (int64, maybe computed). */
function onnxPads(ctx: ImportContext, n: TfNode, p: Value): Value {
  const c = ctx.maybeConstInts(p, n, 'paddings');
  if (c) {
    if (c.length % 2 !== 0) throw formatError('paddings must be [rank, 2]', 'tfjs/bad-operand', n.where, 'paddings');
    const r = c.length / 2;
    return ctx.int64s(`${n.name}/pads`, [
      ...Array.from({ length: r }, (_, i) => c[2 * i]!),
      ...Array.from({ length: r }, (_, i) => c[2 * i + 1]!),
    ]);
  }
  const t = ctx.transpose(ctx.int64Of(p, n, `${n.name}/paddings`), [1, 0], `${n.name}/pads_t`);
  return ctx.op('Reshape', [t, ctx.int64s(`${n.name}/flat`, [-1])], {}, `${n.name}/pads`);
}

const pad: TfImporter = (ctx, n) => {
  const inputs: (Value | null)[] = [ctx.input(n, 0), onnxPads(ctx, n, ctx.input(n, 1))];
  if (n.inputs.length > 2) inputs.push(ctx.input(n, 2));
  return ctx.op('Pad', inputs, {}, n.name);
};

const mirrorPad: TfImporter = (ctx, n) => {
  const m = attrString(n, 'mode', 'REFLECT').toUpperCase();
  if (m !== 'REFLECT') throw ctx.unsupported(n, `mode ${m} (ONNX Pad has no symmetric mode)`, 'attr.mode');
  return ctx.op('Pad', [ctx.input(n, 0), onnxPads(ctx, n, ctx.input(n, 1))], { mode: attr.string('reflect') }, n.name);
};

function shapeOf(ctx: ImportContext, n: TfNode, x: Value, base: string): Value {
  return ctx.cast(ctx.typed(ctx.op('Shape', [x], {}, base), 'int64'), runType(n, 'out_type', 'int32'), base);
}

/** A tensor of `shape` filled with the scalar `value` (Expand broadcasts it). */
function filled(ctx: ImportContext, n: TfNode, value: Value, shape: Value): Value {
  return ctx.op('Expand', [value, ctx.int64Of(shape, n, `${n.name}/shape`)], {}, n.name);
}

function likeInput(fillValue: number): TfImporter {
  return (ctx, n) => {
    const x = ctx.input(n, 0);
    const dtype: DataType = runType(n, 'T', x.dtype ?? 'float32');
    const s = ctx.op('Shape', [x], {}, n.name);
    return ctx.op('Expand', [ctx.constant(`${n.name}/value`, tensorFromValues(dtype, [], [fillValue])), s], {}, n.name);
  };
}

/** ReverseV2 (axes) and Reverse (a bool per axis) as Slices with step -1. */
const reverse: TfImporter = (ctx, n) => {
  const a = ctx.input(n, 1);
  const axes =
    n.op === 'Reverse'
      ? Array.from(ctx.constData(a, n, 'dims').values() as ArrayLike<number>, Number).flatMap((b, i) => (b ? [i] : []))
      : ctx.constInts(a, n, 'axis');
  if (axes.length === 0) return ctx.op('Identity', [ctx.input(n, 0)], {}, n.name);
  return ctx.op(
    'Slice',
    [
      ctx.input(n, 0),
      ctx.int64s(
        `${n.name}/starts`,
        axes.map(() => -1),
      ),
      ctx.int64s(
        `${n.name}/ends`,
        axes.map(() => -BIG),
      ),
      ctx.int64s(`${n.name}/axes`, axes),
      ctx.int64s(
        `${n.name}/steps`,
        axes.map(() => -1),
      ),
    ],
    {},
    n.name,
  );
};

/** LinSpace: start + i * (stop - start) / (num - 1) for i < num. */
const linSpace: TfImporter = (ctx, n) => {
  const [start, stop, num] = [0, 1, 2].map((i) => ctx.input(n, i)) as [Value, Value, Value];
  const count = ctx.cast(num, 'float32', `${n.name}/num_f`);
  const i = ctx.op(
    'Range',
    [ctx.floatScalar(`${n.name}/zero`, 0), count, ctx.floatScalar(`${n.name}/one`, 1)],
    {},
    n.name,
  );
  const gaps = ctx.op(
    'Max',
    [ctx.op('Sub', [count, ctx.floatScalar(`${n.name}/one_`, 1)], {}, n.name), ctx.floatScalar(`${n.name}/min_gap`, 1)],
    {},
    n.name,
  );
  const step = ctx.op('Div', [ctx.op('Sub', [stop, start], {}, n.name), gaps], {}, n.name);
  return ctx.op('Add', [start, ctx.op('Mul', [i, step], {}, n.name)], {}, n.name);
};

export const SHAPE_IMPORTERS: [string, TfImporter][] = [
  ['Reshape', reshape],
  ['Squeeze', squeeze],
  ['ExpandDims', expandDims],
  ['ConcatV2', concat(false)],
  ['Concat', concat(true)],
  ['Pack', pack],
  ['Unpack', unpack],
  ['Split', splitEqual],
  ['SplitV', splitSizes],
  ['Pad', pad],
  ['PadV2', pad],
  ['MirrorPad', mirrorPad],
  ['Transpose', (ctx, n) => ctx.transpose(ctx.input(n, 0), ctx.constInts(ctx.input(n, 1), n, 'perm'), n.name)],
  [
    'Tile',
    (ctx, n) => ctx.op('Tile', [ctx.input(n, 0), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/multiples`)], {}, n.name),
  ],
  ['Shape', (ctx, n) => shapeOf(ctx, n, ctx.input(n, 0), n.name)],
  ['ShapeN', (ctx, n) => ctx.inputs(n).map((x, i) => shapeOf(ctx, n, x, `${n.name}/${i}`))],
  [
    'Size',
    (ctx, n) =>
      ctx.cast(
        ctx.typed(ctx.op('Size', [ctx.input(n, 0)], {}, n.name), 'int64'),
        runType(n, 'out_type', 'int32'),
        n.name,
      ),
  ],
  [
    'Rank',
    (ctx, n) => {
      const x = ctx.input(n, 0);
      const r = ctx.rank(x);
      if (r !== undefined) return ctx.scalar(n.name, 'int32', r);
      return ctx.cast(
        ctx.typed(ctx.op('Size', [ctx.op('Shape', [x], {}, n.name)], {}, n.name), 'int64'),
        'int32',
        n.name,
      );
    },
  ],
  ['Fill', (ctx, n) => filled(ctx, n, ctx.input(n, 1), ctx.input(n, 0))],
  ['BroadcastTo', (ctx, n) => filled(ctx, n, ctx.input(n, 0), ctx.input(n, 1))],
  ['ZerosLike', likeInput(0)],
  ['OnesLike', likeInput(1)],
  ['Range', (ctx, n) => ctx.op('Range', [ctx.input(n, 0), ctx.input(n, 1), ctx.input(n, 2)], {}, n.name)],
  ['LinSpace', linSpace],
  ['Reverse', reverse],
  ['ReverseV2', reverse],
];
