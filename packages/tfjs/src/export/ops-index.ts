// IR indexing ops -> TF: Slice (constant or computed bounds), Gather/GatherND, ScatterND, NonZero,
// TopK, OneHot, NonMaxSuppression (one batch, one class, as TF's op has) and Einsum.
import type { Node } from '@enxuto/ir';
import { a, type ExportContext } from './context.js';
import {
  axisToLast,
  constInts,
  int32Operand,
  inverse,
  positiveAxis,
  rankOf,
  type TfExporter,
  tfType,
  transposeRef,
  unsupported,
} from './common.js';

/**
 * Slice -> StridedSlice over the axes 0..max(axes) (or, when every axis counts from the end and the
 * rank is unknown, after an ellipsis). Axes not sliced take begin/end masks; bounds may be computed.
 */
function slice(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const legacy = n.getInts('starts') !== undefined;
  const count = legacy ? n.getInts('starts')!.length : (n.input(1)?.const?.size ?? n.input(1)?.shape?.[0]);
  if (typeof count !== 'number') throw unsupported(n, 'starts must have a known length', 'starts');
  const axes =
    n.getInts('axes') ?? (legacy ? undefined : constInts(n, 3, 'axes')) ?? Array.from({ length: count }, (_, i) => i);
  const steps = (legacy ? undefined : constInts(n, 4, 'steps')) ?? axes.map(() => 1);
  const rank = rankOf(n.input(0));
  const fromEnd = rank === undefined && axes.every((x) => x < 0);
  if (rank === undefined && !fromEnd && axes.some((x) => x < 0))
    throw unsupported(n, 'negative and positive axes on an input of unknown rank', 'axes');
  const pos = axes.map((x) => (fromEnd ? x : x < 0 ? x + rank! : x));
  // Positions in the StridedSlice spec: 0..len-1, or (after an ellipsis) 1..len for axes -len..-1.
  const len = fromEnd ? -Math.min(...pos) : Math.max(...pos) + 1;
  const slot = (x: number) => (fromEnd ? x + len + 1 : x);
  const specLen = fromEnd ? len + 1 : len;
  const fill = (v: number) => new Array<number>(specLen).fill(v);
  const stride = fill(1);
  let beginMask = 0;
  let endMask = 0;
  for (let s = 0; s < specLen; s++) {
    if (fromEnd && s === 0) continue;
    if (!pos.some((x) => slot(x) === s)) {
      beginMask |= 1 << s;
      endMask |= 1 << s;
    }
  }
  pos.forEach((x, k) => (stride[slot(x)] = steps[k]!));
  const bound = (i: number, what: string): string => {
    const c = legacy ? n.getInts(what) : n.input(i)?.const ? constInts(n, i, what) : undefined;
    if (c) {
      const v = fill(0);
      pos.forEach((x, k) => (v[slot(x)] = c[k]!));
      return ec.int32s(`${base}/${what}`, v);
    }
    // Computed bounds scatter into a vector of zeros (the masked slots ignore theirs).
    const indices = ec.int32s(`${base}/${what}_slots`, pos.map(slot), [pos.length, 1]);
    return ec.emit('ScatterNd', `${base}/${what}`, [
      indices,
      int32Operand(ec, n, i, ins, `${base}/${what}_i32`),
      ec.int32s(`${base}/${what}_len`, [specLen]),
    ]);
  };
  return [
    ec.emit(
      'StridedSlice',
      base,
      [ins[0]!, bound(1, 'starts'), bound(2, 'ends'), ec.int32s(`${base}/strides`, stride)],
      {
        begin_mask: a.i(beginMask),
        end_mask: a.i(endMask),
        shrink_axis_mask: a.i(0),
        ellipsis_mask: a.i(fromEnd ? 1 : 0),
        new_axis_mask: a.i(0),
      },
    ),
  ];
}

const gather: TfExporter = (ec, n, ins, base) => [
  ec.emit('GatherV2', base, [ins[0]!, ins[1]!, ec.int32s(`${base}/axis`, [n.getInt('axis', 0)], [])], {
    batch_dims: a.i(0),
  }),
];

const gatherNd: TfExporter = (ec, n, ins, base) => {
  if (n.getInt('batch_dims', 0) !== 0) throw unsupported(n, 'batch_dims other than 0', 'batch_dims');
  return [ec.emit('GatherNd', base, ins)];
};

/** ScatterND: replace (TensorScatterUpdate) or add (data + ScatterNd of the updates). */
const scatterNd: TfExporter = (ec, n, ins, base) => {
  const reduction = n.getString('reduction', 'none');
  if (reduction === 'none') return [ec.emit('TensorScatterUpdate', base, ins)];
  if (reduction !== 'add') throw unsupported(n, `reduction ${reduction}`, 'reduction');
  const s = ec.emit('Shape', `${base}/shape`, [ins[0]!], { out_type: a.type('int32') });
  return [ec.emit('AddV2', base, [ins[0]!, ec.emit('ScatterNd', `${base}/sum`, [ins[1]!, ins[2]!, s])])];
};

/** NonZero: ONNX's [rank, count] is TF's Where output [count, rank] transposed. */
const nonZero: TfExporter = (ec, _n, ins, base) => [
  transposeRef(ec, ec.emit('Where', `${base}/where`, [ins[0]!]), [1, 0], base),
];

/** TopK along any axis, largest or smallest (negated), as TopKV2 on the last axis. */
const topK: TfExporter = (ec, n, ins, base) => {
  const rank = rankOf(n.input(0));
  const axis = n.getInt('axis', -1);
  const last = axis === -1 || (rank !== undefined && axis === rank - 1);
  if (!last && rank === undefined) throw unsupported(n, `axis ${axis} on an input of unknown rank`, 'axis');
  const perm = last ? undefined : axisToLast(rank!, positiveAxis(n, axis, rank!));
  const largest = n.getInt('largest', 1) === 1;
  let x = perm ? transposeRef(ec, ins[0]!, perm, `${base}/to_last`) : ins[0]!;
  if (!largest) x = ec.emit('Neg', `${base}/neg`, [x]);
  const k = ec.emit('Reshape', `${base}/k`, [
    int32Operand(ec, n, 1, ins, `${base}/k_i32`),
    ec.int32s(`${base}/scalar`, [], [0]),
  ]);
  const t = ec.emit('TopKV2', `${base}/topk`, [x, k], { sorted: a.b(true) });
  let values = `${t}:0`;
  let indices = `${t}:1`;
  if (!largest) values = ec.emit('Neg', `${base}/values_neg`, [values]);
  if (perm) {
    values = transposeRef(ec, values, inverse(perm), `${base}/values`);
    indices = transposeRef(ec, indices, inverse(perm), `${base}/indices`);
  }
  return [ec.emit('Identity', base, [values]), ec.emit('Identity', `${base}/indices_out`, [indices])];
};

/** OneHot: TF.js takes on/off values as scalars and only the last axis. */
const oneHot: TfExporter = (ec, n, ins, base) => {
  const axis = n.getInt('axis', -1);
  const r = rankOf(n.input(0));
  if (axis !== -1 && (r === undefined || axis !== r))
    throw unsupported(n, `axis ${axis} (TF.js one-hot is last-axis only)`, 'axis');
  const t = tfType(n.input(2));
  const pick = (i: number, nm: string) =>
    ec.emit(
      'GatherV2',
      `${base}/${nm}`,
      [ins[2]!, ec.int32s(`${base}/${nm}_i`, [i], []), ec.int32s(`${base}/${nm}_axis`, [0], [])],
      { batch_dims: a.i(0) },
    );
  // ONNX wraps negative indices into [0, depth): (i + depth) mod depth.
  const depth = ec.emit('Cast', `${base}/depth`, [ins[1]!], { DstT: a.type('int32') });
  const idx = ec.emit('FloorMod', `${base}/indices`, [
    ec.emit('Cast', `${base}/indices_i32`, [ins[0]!], { DstT: a.type('int32') }),
    depth,
  ]);
  return [ec.emit('OneHot', base, [idx, depth, pick(1, 'on'), pick(0, 'off')], { T: a.type(t), axis: a.i(-1) })];
};

/** NonMaxSuppression for one batch and one class: NonMaxSuppressionV3 on [N, 4], indices as (0, 0, i). */
const nms: TfExporter = (ec, n, ins, base) => {
  const boxes = n.input(0)?.shape;
  const scores = n.input(1)?.shape;
  if (boxes?.[0] !== 1 || scores?.[0] !== 1 || scores?.[1] !== 1)
    throw unsupported(
      n,
      'only one batch and one class map to TF non-max suppression (shapes [1, N, 4] and [1, 1, N])',
      'boxes',
    );
  if (n.getInt('center_point_box', 0) !== 0) throw unsupported(n, 'center_point_box=1', 'center_point_box');
  const b = ec.emit('Reshape', `${base}/boxes`, [ins[0]!, ec.int32s(`${base}/boxes_shape`, [-1, 4])]);
  const s = ec.emit('Reshape', `${base}/scores`, [ins[1]!, ec.int32s(`${base}/scores_shape`, [-1])]);
  const scalar = (i: number, nm: string, fallback: number, dtype: 'int32' | 'float32') =>
    n.input(i)
      ? ec.emit('Reshape', `${base}/${nm}`, [
          dtype === 'int32' ? int32Operand(ec, n, i, ins, `${base}/${nm}_i32`) : ins[i]!,
          ec.int32s(`${base}/${nm}_shape`, [], [0]),
        ])
      : ec.scalar(`${base}/${nm}`, dtype, fallback);
  const sel = ec.emit('NonMaxSuppressionV3', `${base}/nms`, [
    b,
    s,
    scalar(2, 'max_boxes', 0, 'int32'),
    scalar(3, 'iou', 0, 'float32'),
    scalar(4, 'score', -3.4028234663852886e38, 'float32'),
  ]);
  const col = ec.emit('ExpandDims', `${base}/column`, [sel, ec.int32s(`${base}/last`, [1], [])]);
  const zeros = ec.emit('ZerosLike', `${base}/zeros`, [col]);
  return [ec.emit('ConcatV2', base, [zeros, zeros, col, ec.int32s(`${base}/axis`, [1], [])], { N: a.i(3) })];
};

const einsum: TfExporter = (ec, n, ins, base) => [
  ec.emit('Einsum', base, ins, {
    equation: a.s(n.getString('equation', '')),
    N: a.i(ins.length),
    T: a.type('float32'),
  }),
];

export const INDEX_EXPORTERS: [string, TfExporter][] = [
  ['Slice', slice],
  ['Gather', gather],
  ['GatherND', gatherNd],
  ['ScatterND', scatterNd],
  ['NonZero', nonZero],
  ['TopK', topK],
  ['OneHot', oneHot],
  ['NonMaxSuppression', nms],
  ['Einsum', einsum],
];
