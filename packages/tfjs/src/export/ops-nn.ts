// IR matmuls and normalizations -> TF: MatMul/Gemm, Softmax on any axis (with the pre-13 flattening
// rule), LayerNormalization and InstanceNormalization as their decompositions.
import type { Node } from '@enxuto/ir';
import { a, type ExportContext } from './context.js';
import {
  axisToLast,
  inverse,
  needRank,
  positiveAxis,
  rankOf,
  type TfExporter,
  transposeRef,
  unsupported,
} from './common.js';

function gemm(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const alpha = n.getFloat('alpha', 1);
  const beta = n.getFloat('beta', 1);
  let y = ec.emit('MatMul', `${base}/matmul`, [ins[0]!, ins[1]!], {
    transpose_a: a.b(n.getInt('transA', 0) === 1),
    transpose_b: a.b(n.getInt('transB', 0) === 1),
    T: a.type('float32'),
  });
  if (alpha !== 1) y = ec.emit('Mul', `${base}/alpha`, [y, ec.float(`${base}/alpha_value`, alpha)]);
  const c = n.input(2);
  if (c && beta !== 0) {
    let cRef = ins[2]!;
    if (beta !== 1) cRef = ec.emit('Mul', `${base}/beta`, [cRef, ec.float(`${base}/beta_value`, beta)]);
    y = rankOf(c) === 1 ? ec.emit('BiasAdd', base, [y, cRef]) : ec.emit('AddV2', base, [y, cRef]);
  } else {
    y = ec.emit('Identity', base, [y]);
  }
  return [y];
}

/**
 * Softmax/LogSoftmax. Opset 13+: along one axis (moved last by a transpose when it is not). Before
 * 13: over all axes from `axis` on, as a 2-D [outer, inner] softmax.
 */
function softmax(op: 'Softmax' | 'LogSoftmax'): TfExporter {
  return (ec, n, ins, base) => {
    const old = ec.opset() < 13;
    const axis = n.getInt('axis', old ? 1 : -1);
    const rank = rankOf(n.input(0));
    if (axis === -1 || (rank !== undefined && axis === rank - 1)) return [ec.emit(op, base, [ins[0]!])];
    const r = needRank(n, 0, `${op} on axis ${axis}`);
    const p = positiveAxis(n, axis, r);
    if (old) {
      // [prod(dims[:axis]), -1], the softmax, and back to the input's shape.
      const s = ec.emit('Shape', `${base}/in_shape`, [ins[0]!], { out_type: a.type('int32') });
      const lead = ec.emit(
        'StridedSlice',
        `${base}/lead`,
        [s, ec.int32s(`${base}/b`, [0]), ec.int32s(`${base}/e`, [p]), ec.int32s(`${base}/st`, [1])],
        {
          begin_mask: a.i(0),
          end_mask: a.i(0),
          shrink_axis_mask: a.i(0),
          ellipsis_mask: a.i(0),
          new_axis_mask: a.i(0),
        },
      );
      const outer = ec.emit('Prod', `${base}/outer`, [lead, ec.int32s(`${base}/axis0`, [0])], { keep_dims: a.b(true) });
      const twoD = ec.emit(
        'ConcatV2',
        `${base}/2d_shape`,
        [outer, ec.int32s(`${base}/minus_one`, [-1]), ec.int32s(`${base}/cat`, [0], [])],
        { N: a.i(2) },
      );
      const flat = ec.emit('Reshape', `${base}/2d`, [ins[0]!, twoD]);
      return [ec.emit('Reshape', base, [ec.emit(op, `${base}/${op}`, [flat]), s])];
    }
    const perm = axisToLast(r, p);
    const y = ec.emit(op, `${base}/${op}`, [transposeRef(ec, ins[0]!, perm, `${base}/to_last`)]);
    return [transposeRef(ec, y, inverse(perm), base)];
  };
}

/** (x - mean) / sqrt(var + eps) over `axes`, as TF ops (mean and variance kept for broadcasting). */
function normalize(ec: ExportContext, x: string, axes: number[], eps: number, base: string): string {
  const ax = ec.int32s(`${base}/axes`, axes);
  const mean = ec.emit('Mean', `${base}/mean`, [x, ax], { keep_dims: a.b(true) });
  const centered = ec.emit('Sub', `${base}/centered`, [x, mean]);
  const variance = ec.emit('Mean', `${base}/variance`, [ec.emit('Square', `${base}/sq`, [centered]), ax], {
    keep_dims: a.b(true),
  });
  const inv = ec.emit('Rsqrt', `${base}/rsqrt`, [
    ec.emit('AddV2', `${base}/var_eps`, [variance, ec.float(`${base}/eps`, eps)]),
  ]);
  return ec.emit('Mul', `${base}/normalized`, [centered, inv]);
}

const layerNorm: TfExporter = (ec, n, ins, base) => {
  if (n.outputs.slice(1).some((o) => o && o.uses().length > 0))
    throw unsupported(n, 'the Mean/InvStdDev outputs', 'outputs');
  const axis = n.getInt('axis', -1);
  const rank = rankOf(n.input(0));
  let axes: number[];
  if (axis === -1) axes = [-1];
  else {
    const r = needRank(n, 0, `LayerNormalization on axis ${axis}`);
    const p = positiveAxis(n, axis, r);
    axes = Array.from({ length: r - p }, (_, i) => p + i);
  }
  if (rank === undefined && axis !== -1) throw unsupported(n, 'axis needs a known rank', 'axis');
  let y = ec.emit('Mul', `${base}/scaled`, [normalize(ec, ins[0]!, axes, n.getFloat('epsilon', 1e-5), base), ins[1]!]);
  if (n.input(2)) y = ec.emit('AddV2', `${base}/shifted`, [y, ins[2]!]);
  return [ec.emit('Identity', base, [y])];
};

/** InstanceNormalization on NCHW-style input: per sample and channel over the spatial axes. */
const instanceNorm: TfExporter = (ec, n, ins, base) => {
  const r = needRank(n, 0, 'InstanceNormalization');
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 2);
  const col = (i: number, nm: string) =>
    ec.emit('Reshape', `${base}/${nm}`, [ins[i]!, ec.int32s(`${base}/${nm}_shape`, [-1, ...spatial.map(() => 1)])]);
  const y = normalize(ec, ins[0]!, spatial, n.getFloat('epsilon', 1e-5), base);
  return [ec.emit('AddV2', base, [ec.emit('Mul', `${base}/scaled`, [y, col(1, 'scale')]), col(2, 'bias')])];
};

export const NN_EXPORTERS: [string, TfExporter][] = [
  [
    'MatMul',
    (ec, _n, ins, base) => [
      ec.emit('BatchMatMulV2', base, ins, { adj_x: a.b(false), adj_y: a.b(false), T: a.type('float32') }),
    ],
  ],
  ['Gemm', gemm],
  ['Softmax', softmax('Softmax')],
  ['LogSoftmax', softmax('LogSoftmax')],
  ['LayerNormalization', layerNorm],
  ['InstanceNormalization', instanceNorm],
];
