// TF gathers, scatters and selections -> ONNX: Gather/GatherNd, ScatterNd, SparseToDense, OneHot,
// Where (indices of true elements), Select/SelectV2, Einsum.
import { attr, type Value } from '@enxuto/ir';
import { attrInt, attrString, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import { constAxis, runType, type TfImporter } from './common.js';
import type { ImportContext } from './context.js';

const gather: TfImporter = (ctx, n) => {
  const params = ctx.input(n, 0);
  const indices = ctx.int64Of(ctx.input(n, 1), n, `${n.name}/indices`);
  const axis = n.op === 'GatherV2' ? constAxis(ctx, n, 2) : 0;
  const batchDims = attrInt(n, 'batch_dims', 0);
  if (batchDims === 0) return ctx.op('Gather', [params, indices], { axis: attr.int(axis) }, n.name);
  // Gathering on the first non-batch axis is GatherND on one-element index tuples.
  if (batchDims < 0 || axis !== batchDims)
    throw ctx.unsupported(n, `batch_dims ${batchDims} with axis ${axis} (only axis = batch_dims)`, 'attr.batch_dims');
  const tuples = ctx.op('Unsqueeze', [indices, ctx.int64s(`${n.name}/last`, [-1])], {}, n.name);
  return ctx.op('GatherND', [params, tuples], { batch_dims: attr.int(batchDims) }, n.name);
};

const gatherNd: TfImporter = (ctx, n) =>
  ctx.op('GatherND', [ctx.input(n, 0), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/indices`)], {}, n.name);

/** A tensor of `shape` (int operand) holding the scalar `value` everywhere. */
function filledWith(ctx: ImportContext, n: TfNode, value: Value, shape: Value): Value {
  return ctx.op('Expand', [value, ctx.int64Of(shape, n, `${n.name}/shape`)], {}, `${n.name}/fill`);
}

/** ScatterNd adds updates that share an index, as TF does. */
const scatterNd: TfImporter = (ctx, n) => {
  const updates = ctx.input(n, 1);
  const zero = ctx.scalar(`${n.name}/zero`, runType(n, 'T', updates.dtype ?? 'float32'), 0);
  const data = filledWith(ctx, n, zero, ctx.input(n, 2));
  const indices = ctx.int64Of(ctx.input(n, 0), n, `${n.name}/indices`);
  return ctx.op('ScatterND', [data, indices, updates], { reduction: attr.string('add') }, n.name);
};

const tensorScatterUpdate: TfImporter = (ctx, n) =>
  ctx.op(
    'ScatterND',
    [ctx.input(n, 0), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/indices`), ctx.input(n, 2)],
    {},
    n.name,
  );

/** SparseToDense: indices are a scalar, a vector (1-D output) or [N, rank]; values a scalar or [N]. */
const sparseToDense: TfImporter = (ctx, n) => {
  const [indicesV, shapeV, valuesV, defaultV] = [0, 1, 2, 3].map((i) => ctx.input(n, i)) as [
    Value,
    Value,
    Value,
    Value,
  ];
  const ri = ctx.rank(indicesV);
  const rv = ctx.rank(valuesV);
  if (ri === undefined || rv === undefined)
    throw ctx.unsupported(n, 'sparse_indices and sparse_values need known ranks', 'input');
  if (ri > 2 || rv > 1)
    throw formatError('sparse_indices must have rank <= 2 and values rank <= 1', 'tfjs/bad-operand', n.where, 'input');
  let indices = ctx.int64Of(indicesV, n, `${n.name}/indices`);
  if (ri < 2)
    indices = ctx.op('Reshape', [indices, ctx.int64s(`${n.name}/tuples`, ri === 0 ? [1, 1] : [-1, 1])], {}, n.name);
  let values = valuesV;
  if (rv === 0) {
    const count = ctx.op(
      'Slice',
      [ctx.op('Shape', [indices], {}, n.name), ctx.int64s(`${n.name}/zero`, [0]), ctx.int64s(`${n.name}/one`, [1])],
      {},
      n.name,
    );
    values = ctx.op('Expand', [valuesV, count], {}, n.name);
  }
  const data = filledWith(ctx, n, defaultV, shapeV);
  return ctx.op('ScatterND', [data, indices, values], {}, n.name);
};

const oneHot: TfImporter = (ctx, n) => {
  const [indices, depth, on, off] = [0, 1, 2, 3].map((i) => ctx.input(n, i)) as [Value, Value, Value, Value];
  const axes = ctx.int64s(`${n.name}/axes`, [0]);
  const values = ctx.op(
    'Concat',
    [ctx.op('Unsqueeze', [off, axes], {}, n.name), ctx.op('Unsqueeze', [on, axes], {}, n.name)],
    { axis: attr.int(0) },
    `${n.name}/values`,
  );
  const d = ctx.op('Reshape', [ctx.int64Of(depth, n, `${n.name}/depth`), ctx.int64s(`${n.name}/one`, [1])], {}, n.name);
  return ctx.op('OneHot', [indices, d, values], { axis: attr.int(attrInt(n, 'axis', -1)) }, n.name);
};

/** Where(x): [count, rank] coordinates of the true (non-zero) elements, in row-major order. */
const whereIndices: TfImporter = (ctx, n) => {
  const nz = ctx.op('NonZero', [ctx.input(n, 0)], {}, n.name);
  return ctx.cast(ctx.typed(ctx.transpose(nz, [1, 0], n.name), 'int64'), 'int32', n.name);
};

/** Select (TF1): a vector condition picks whole rows; it is reshaped to [n, 1, ...] to broadcast. */
const select: TfImporter = (ctx, n) => {
  let cond = ctx.input(n, 0);
  const t = ctx.input(n, 1);
  const e = ctx.input(n, 2);
  const rc = ctx.rank(cond);
  const rt = ctx.rank(t) ?? ctx.rank(e);
  if (rc !== undefined && rt !== undefined) {
    if (rc < rt)
      cond = ctx.op(
        'Unsqueeze',
        [
          cond,
          ctx.int64s(
            `${n.name}/axes`,
            Array.from({ length: rt - rc }, (_, i) => rc + i),
          ),
        ],
        {},
        n.name,
      );
  } else {
    // Append as many 1s to the condition's shape as the values have extra axes (none when ranks agree).
    const condShape = ctx.op('Shape', [cond], {}, n.name);
    const extra = ctx.op(
      'Sub',
      [ctx.op('Size', [ctx.op('Shape', [t], {}, n.name)], {}, n.name), ctx.op('Size', [condShape], {}, n.name)],
      {},
      n.name,
    );
    const ones = ctx.op(
      'Expand',
      [
        ctx.int64s(`${n.name}/one`, [1]),
        ctx.op('Reshape', [extra, ctx.int64s(`${n.name}/as_vector`, [1])], {}, n.name),
      ],
      {},
      n.name,
    );
    const shape = ctx.op('Concat', [condShape, ones], { axis: attr.int(0) }, n.name);
    cond = ctx.op('Reshape', [cond, shape], {}, n.name);
  }
  return ctx.op('Where', [cond, t, e], {}, n.name);
};

const einsum: TfImporter = (ctx, n) =>
  ctx.op('Einsum', ctx.inputs(n), { equation: attr.string(attrString(n, 'equation', '')) }, n.name);

export const GATHER_IMPORTERS: [string, TfImporter][] = [
  ['Gather', gather],
  ['GatherV2', gather],
  ['GatherNd', gatherNd],
  ['ScatterNd', scatterNd],
  ['TensorScatterUpdate', tensorScatterUpdate],
  ['SparseToDense', sparseToDense],
  ['OneHot', oneHot],
  ['Where', whereIndices],
  ['Select', select],
  ['SelectV2', (ctx, n) => ctx.op('Where', ctx.inputs(n), {}, n.name)],
  ['Einsum', einsum],
];
