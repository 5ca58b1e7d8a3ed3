// TF Slice and StridedSlice -> ONNX Slice (+ Squeeze/Unsqueeze), with every StridedSlice mask:
// begin/end masks, shrink_axis (a single index drops the axis), new_axis (inserts a 1) and the
// ellipsis (all axes not named). Axes after an ellipsis count from the end, so no rank is needed.
import { attr, tensorFromValues, type Value } from '@enxuto/ir';
import { attrInt, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import { BIG, type TfImporter } from './common.js';
import type { ImportContext } from './context.js';

/** Slice(begin, size): size -1 means to the end; both may be computed at run time. */
const slice: TfImporter = (ctx, n) => {
  const x = ctx.input(n, 0);
  const beginV = ctx.input(n, 1);
  const sizeV = ctx.input(n, 2);
  const begin = ctx.maybeConstInts(beginV, n, 'begin');
  const size = ctx.maybeConstInts(sizeV, n, 'size');
  if (begin && size) {
    if (size.length !== begin.length || size.some((d) => d < -1))
      throw formatError('begin and size disagree', 'tfjs/bad-operand', n.where, 'size');
    const ends = begin.map((b, i) => (size[i] === -1 ? BIG : b + size[i]!));
    return ctx.op('Slice', [x, ctx.int64s(`${n.name}/starts`, begin), ctx.int64s(`${n.name}/ends`, ends)], {}, n.name);
  }
  const starts = ctx.int64Of(beginV, n, `${n.name}/starts`);
  const sizes = ctx.int64Of(sizeV, n, `${n.name}/sizes`);
  const toEnd = ctx.op('Equal', [sizes, ctx.int64s(`${n.name}/minus_one`, [-1], [])], {}, n.name);
  const ends = ctx.op(
    'Where',
    [toEnd, ctx.int64s(`${n.name}/big`, [BIG], []), ctx.op('Add', [starts, sizes], {}, n.name)],
    {},
    `${n.name}/ends`,
  );
  return ctx.op('Slice', [x, starts, ends], {}, n.name);
};

interface Entry {
  kind: 'range' | 'shrink' | 'new' | 'ellipsis';
  index: number;
}

/** The sparse StridedSlice spec, entry by entry (TF: new_axis wins over shrink; only the first ellipsis counts). */
function entries(n: TfNode, count: number): Entry[] {
  const ellipsis = attrInt(n, 'ellipsis_mask', 0);
  const newAxis = attrInt(n, 'new_axis_mask', 0);
  const shrink = attrInt(n, 'shrink_axis_mask', 0);
  const out: Entry[] = [];
  let seenEllipsis = false;
  for (let i = 0; i < count; i++) {
    const bit = 2 ** i;
    if (Math.floor(ellipsis / bit) % 2 === 1) {
      if (!seenEllipsis) out.push({ kind: 'ellipsis', index: i });
      seenEllipsis = true;
    } else if (Math.floor(newAxis / bit) % 2 === 1) out.push({ kind: 'new', index: i });
    else if (Math.floor(shrink / bit) % 2 === 1) out.push({ kind: 'shrink', index: i });
    else out.push({ kind: 'range', index: i });
  }
  return out;
}

const stridedSlice: TfImporter = (ctx, n) => {
  const x = ctx.input(n, 0);
  const beginV = ctx.input(n, 1);
  const endV = ctx.input(n, 2);
  const count = beginV.const?.size ?? beginV.shape?.[0];
  const stridesV = n.inputs.length > 3 ? ctx.input(n, 3) : undefined;
  const strides = stridesV ? ctx.constInts(stridesV, n, 'strides') : undefined;
  if (typeof count !== 'number') throw ctx.unsupported(n, 'begin must have a known length', 'begin');
  const steps = strides ?? new Array<number>(count).fill(1);
  if (steps.length !== count || steps.some((s) => s === 0))
    throw formatError(
      'begin and strides must have the same length and no zero stride',
      'tfjs/bad-operand',
      n.where,
      'strides',
    );
  const begin = ctx.maybeConstInts(beginV, n, 'begin');
  const end = ctx.maybeConstInts(endV, n, 'end');
  if ((begin && begin.length !== count) || (end && end.length !== count))
    throw formatError('begin, end and strides must have the same length', 'tfjs/bad-operand', n.where, 'end');
  const bm = attrInt(n, 'begin_mask', 0);
  const em = attrInt(n, 'end_mask', 0);
  const has = (mask: number, i: number) => Math.floor(mask / 2 ** i) % 2 === 1;
  const spec = entries(n, count);
  const cut = spec.findIndex((e) => e.kind === 'ellipsis');
  const pre = cut < 0 ? spec : spec.slice(0, cut);
  const post = cut < 0 ? [] : spec.slice(cut + 1);
  // Input axis of each entry that consumes one: counted from the front before the ellipsis, from the back after it.
  const axisOf = new Map<Entry, number>();
  let a = 0;
  for (const e of pre) if (e.kind !== 'new') axisOf.set(e, a++);
  a = -1;
  for (const e of [...post].reverse()) if (e.kind !== 'new') axisOf.set(e, a--);
  const sliced = spec.filter((e) => e.kind === 'range' || e.kind === 'shrink');
  let y = x;
  if (sliced.length > 0) {
    const axes = sliced.map((e) => axisOf.get(e)!);
    const stepsOut = sliced.map((e) => (e.kind === 'shrink' ? 1 : steps[e.index]!));
    const ranged = (mask: number, e: Entry) => e.kind === 'range' && has(mask, e.index);
    const startFixed = sliced.map((e) => (ranged(bm, e) ? (steps[e.index]! > 0 ? 0 : BIG) : undefined));
    const endFixed = sliced.map((e) => (ranged(em, e) ? (steps[e.index]! > 0 ? BIG : -BIG) : undefined));
    const { starts, ends } =
      begin && end
        ? constBounds(ctx, n, sliced, begin, end, startFixed, endFixed)
        : dynamicBounds(ctx, n, sliced, beginV, endV, startFixed, endFixed);
    y = ctx.op(
      'Slice',
      [y, starts, ends, ctx.int64s(`${n.name}/axes`, axes), ctx.int64s(`${n.name}/steps`, stepsOut)],
      {},
      n.name,
    );
  }
  const shrinkAxes = spec.filter((e) => e.kind === 'shrink').map((e) => axisOf.get(e)!);
  if (shrinkAxes.length > 0) y = ctx.op('Squeeze', [y, ctx.int64s(`${n.name}/squeeze_axes`, shrinkAxes)], {}, n.name);
  const newAxes = outputPositionsOfNewAxes(pre, post);
  if (newAxes.length > 0) y = ctx.op('Unsqueeze', [y, ctx.int64s(`${n.name}/new_axes`, newAxes)], {}, n.name);
  if (y === x) y = ctx.op('Identity', [x], {}, n.name);
  return y;
};

/** Output positions of new axes: counted from the front before the ellipsis, from the back after it. */
function outputPositionsOfNewAxes(pre: Entry[], post: Entry[]): number[] {
  const out: number[] = [];
  let p = 0;
  for (const e of pre) {
    if (e.kind === 'new') out.push(p);
    if (e.kind !== 'shrink') p++;
  }
  p = -1;
  for (const e of [...post].reverse()) {
    if (e.kind === 'new') out.push(p);
    if (e.kind !== 'shrink') p--;
  }
  return out;
}

type Fixed = (number | undefined)[];

/** A shrunk entry slices [b, b + 1), or [-1, end) for b = -1. */
const shrinkEnd = (b: number): number => (b === -1 ? BIG : b + 1);

function constBounds(
  ctx: ImportContext,
  n: TfNode,
  sliced: Entry[],
  begin: number[],
  end: number[],
  startFixed: Fixed,
  endFixed: Fixed,
): { starts: Value; ends: Value } {
  const starts = sliced.map((e, i) => startFixed[i] ?? begin[e.index]!);
  const ends = sliced.map((e, i) =>
    e.kind === 'shrink' ? shrinkEnd(begin[e.index]!) : (endFixed[i] ?? end[e.index]!),
  );
  return { starts: ctx.int64s(`${n.name}/starts`, starts), ends: ctx.int64s(`${n.name}/ends`, ends) };
}

/** The same bounds from begin/end computed at run time: masked entries are chosen with Where. */
function dynamicBounds(
  ctx: ImportContext,
  n: TfNode,
  sliced: Entry[],
  beginV: Value,
  endV: Value,
  startFixed: Fixed,
  endFixed: Fixed,
): { starts: Value; ends: Value } {
  const picks = ctx.int64s(
    `${n.name}/picks`,
    sliced.map((e) => e.index),
  );
  const pick = (v: Value, what: string) =>
    ctx.op('Gather', [ctx.int64Of(v, n, `${n.name}/${what}`), picks], { axis: attr.int(0) }, `${n.name}/${what}`);
  const choose = (mask: boolean[], yes: Value, no: Value) =>
    mask.some(Boolean)
      ? ctx.op(
          'Where',
          [ctx.constant(`${n.name}/mask`, tensorFromValues('bool', [mask.length], mask.map(Number))), yes, no],
          {},
          n.name,
        )
      : no;
  const defaults = (f: Fixed) =>
    ctx.int64s(
      `${n.name}/defaults`,
      f.map((v) => v ?? 0),
    );
  const b = pick(beginV, 'begin');
  const starts = choose(
    startFixed.map((f) => f !== undefined),
    defaults(startFixed),
    b,
  );
  const isShrink = sliced.map((e) => e.kind === 'shrink');
  const shrunk = isShrink.some(Boolean)
    ? ctx.op(
        'Where',
        [
          ctx.op('Equal', [b, ctx.int64s(`${n.name}/minus_one`, [-1], [])], {}, n.name),
          ctx.int64s(`${n.name}/big`, [BIG], []),
          ctx.op('Add', [b, ctx.int64s(`${n.name}/one`, [1], [])], {}, n.name),
        ],
        {},
        n.name,
      )
    : undefined;
  const ranged = isShrink.every(Boolean)
    ? shrunk!
    : choose(
        endFixed.map((f) => f !== undefined),
        defaults(endFixed),
        pick(endV, 'end'),
      );
  const ends = shrunk && ranged !== shrunk ? choose(isShrink, shrunk, ranged) : ranged;
  return { starts, ends };
}

export const SLICE_IMPORTERS: [string, TfImporter][] = [
  ['Slice', slice],
  ['StridedSlice', stridedSlice],
];
