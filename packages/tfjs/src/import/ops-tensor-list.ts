// TF TensorList ops -> ONNX tensors: a list is held as one dense tensor [length, ...element_shape].
// A list reserved with an unknown element shape is "pending" (held as its length, int64 [1]) until
// its first write fixes the shape; inside a while loop, while-loop.ts turns a pending list written
// at the iteration index into a scan output.
import { attr, type DataType, tensorFromValues, type Value } from '@enxuto/ir';
import type { TfNode } from '../graphdef.js';
import { runType, type TfImporter } from './common.js';
import type { ImportContext } from './context.js';

export interface PendingList {
  dtype: DataType;
  length: Value;
}

const pending = new WeakMap<Value, PendingList>();

export function pendingListOf(v: Value): PendingList | undefined {
  return pending.get(v);
}

/** The element shape operand as known dimensions, or undefined when any is unknown (-1 or unknown rank). */
function knownElementShape(ctx: ImportContext, n: TfNode, v: Value): number[] | undefined {
  if (!v.const) return undefined;
  const dims = ctx.constInts(v, n, 'element_shape');
  if (v.const.shape.length === 0 || dims.some((d) => d < 0)) return undefined;
  return dims;
}

function zerosList(ctx: ImportContext, n: TfNode, dtype: DataType, length: Value, dims: number[]): Value {
  const shape = ctx.op('Concat', [length, ctx.int64s(`${n.name}/element_shape`, dims)], { axis: attr.int(0) }, n.name);
  const zero = ctx.constant(`${n.name}/zero`, tensorFromValues(dtype, [], [0]));
  return ctx.typed(ctx.op('Expand', [zero, shape], {}, n.name), dtype);
}

function newList(ctx: ImportContext, n: TfNode, length: Value): Value {
  const dtype = runType(n, 'element_dtype', 'float32');
  const dims = knownElementShape(ctx, n, ctx.input(n, 0));
  if (dims) return zerosList(ctx, n, dtype, length, dims);
  const marker = ctx.typed(ctx.op('Identity', [length], {}, `${n.name}/length`), 'int64');
  pending.set(marker, { dtype, length: marker });
  return marker;
}

const asLength = (ctx: ImportContext, n: TfNode, v: Value): Value =>
  ctx.op(
    'Reshape',
    [ctx.int64Of(v, n, `${n.name}/num`), ctx.int64s(`${n.name}/as_vector`, [1])],
    {},
    `${n.name}/num_elements`,
  );

/** A list value for reading or writing: a pending list becomes zeros shaped like `like` per element. */
function dense(ctx: ImportContext, n: TfNode, list: Value, like?: Value): Value {
  const p = pending.get(list);
  if (!p) return list;
  if (!like) throw ctx.unsupported(n, 'reading a TensorList whose element shape is not known yet', 'input');
  const shape = ctx.op('Concat', [p.length, ctx.op('Shape', [like], {}, n.name)], { axis: attr.int(0) }, n.name);
  return ctx.op('Expand', [ctx.constant(`${n.name}/zero`, tensorFromValues(p.dtype, [], [0])), shape], {}, n.name);
}

const index1 = (ctx: ImportContext, n: TfNode, v: Value): Value =>
  ctx.op('Reshape', [ctx.int64Of(v, n, `${n.name}/index`), ctx.int64s(`${n.name}/as_tuple`, [1, 1])], {}, n.name);

const setItem: TfImporter = (ctx, n) => {
  const item = ctx.input(n, 2);
  const list = dense(ctx, n, ctx.input(n, 0), item);
  const update = ctx.op('Unsqueeze', [item, ctx.int64s(`${n.name}/axes`, [0])], {}, n.name);
  return ctx.op('ScatterND', [list, index1(ctx, n, ctx.input(n, 1)), update], {}, n.name);
};

const getItem: TfImporter = (ctx, n) =>
  ctx.op(
    'Gather',
    [dense(ctx, n, ctx.input(n, 0)), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/index`)],
    { axis: attr.int(0) },
    n.name,
  );

const stack: TfImporter = (ctx, n) => {
  const list = ctx.input(n, 0);
  const p = pending.get(list);
  if (!p) return ctx.op('Identity', [list], {}, n.name);
  const dims = knownElementShape(ctx, n, ctx.input(n, 1));
  if (!dims) throw ctx.unsupported(n, 'stacking a TensorList that was never written and has no element shape', 'input');
  return zerosList(ctx, n, p.dtype, p.length, dims);
};

const length: TfImporter = (ctx, n) => {
  const list = ctx.input(n, 0);
  const len =
    pending.get(list)?.length ??
    ctx.op(
      'Slice',
      [ctx.op('Shape', [list], {}, n.name), ctx.int64s(`${n.name}/zero`, [0]), ctx.int64s(`${n.name}/one`, [1])],
      {},
      n.name,
    );
  return ctx.cast(
    ctx.typed(ctx.op('Squeeze', [len, ctx.int64s(`${n.name}/axis`, [0])], {}, n.name), 'int64'),
    'int32',
    n.name,
  );
};

const pushBack: TfImporter = (ctx, n) => {
  const item = ctx.input(n, 1);
  const update = ctx.op('Unsqueeze', [item, ctx.int64s(`${n.name}/axes`, [0])], {}, n.name);
  const list = ctx.input(n, 0);
  const p = pending.get(list);
  const empty = p?.length.producer()?.input(0)?.const;
  if (p && empty && Number((empty.values() as ArrayLike<number>)[0]) === 0)
    return ctx.op('Identity', [update], {}, n.name);
  return ctx.op('Concat', [dense(ctx, n, list, item), update], { axis: attr.int(0) }, n.name);
};

const popBack: TfImporter = (ctx, n) => {
  const list = dense(ctx, n, ctx.input(n, 0));
  const rest = ctx.op(
    'Slice',
    [list, ctx.int64s(`${n.name}/start`, [0]), ctx.int64s(`${n.name}/end`, [-1])],
    {},
    n.name,
  );
  const last = ctx.op('Gather', [list, ctx.int64s(`${n.name}/last`, [-1], [])], { axis: attr.int(0) }, n.name);
  return [rest, last];
};

export const TENSOR_LIST_IMPORTERS: [string, TfImporter][] = [
  ['TensorListReserve', (ctx, n) => newList(ctx, n, asLength(ctx, n, ctx.input(n, 1)))],
  ['EmptyTensorList', (ctx, n) => newList(ctx, n, ctx.int64s(`${n.name}/empty`, [0]))],
  ['TensorListFromTensor', (ctx, n) => ctx.op('Identity', [ctx.input(n, 0)], {}, n.name)],
  ['TensorListSetItem', setItem],
  ['TensorListGetItem', getItem],
  [
    'TensorListGather',
    (ctx, n) =>
      ctx.op(
        'Gather',
        [dense(ctx, n, ctx.input(n, 0)), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/indices`)],
        { axis: attr.int(0) },
        n.name,
      ),
  ],
  ['TensorListStack', stack],
  ['TensorListLength', length],
  ['TensorListPushBack', pushBack],
  ['TensorListPopBack', popBack],
];
