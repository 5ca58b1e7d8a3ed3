// Writer step 2: IR ops -> TF ops TF.js runs. One fixed table keyed by op type; ops missing from
// it are UnsupportedErrors naming the op and node. Int64 values become int32 (TF.js has no int64).
import { type DataType, type Node, UnsupportedError, type Value } from '@enxuto/ir';
import { a, type AttrJson, type ExportContext } from './export-context.js';
import { dtypeOfOnnxCode } from './dtypes.js';
import { TF_DOMAIN } from './lower-to-nhwc.js';

export type TfExporter = (ec: ExportContext, n: Node, ins: string[], base: string) => string[];

function unsupported(n: Node, what: string, field?: string): UnsupportedError {
  return new UnsupportedError(`${n.opType}: ${what}`, {
    code: 'tfjs/unsupported-op',
    node: n.label(),
    ...(field ? { field } : {}),
  });
}

function constInts(n: Node, i: number, what: string): number[] | undefined {
  const v = n.input(i);
  if (!v) return undefined;
  const t = v.const;
  if (!t || !/int/.test(t.dtype)) throw unsupported(n, `${what} must be a constant integer tensor`, what);
  return Array.from(t.values() as ArrayLike<number | bigint>, Number);
}

/** Axes from the attribute (older opsets) or the input (newer ones). */
function axesOf(n: Node, inputIndex: number): number[] | undefined {
  return n.getInts('axes') ?? constInts(n, inputIndex, 'axes');
}

function rankOf(v: Value | null): number | undefined {
  return v?.shape?.length ?? v?.const?.shape.length;
}

const same =
  (op: string): TfExporter =>
  (ec, _n, ins, base) => [ec.emit(op, base, ins)];
const binary =
  (op: string): TfExporter =>
  (ec, n, ins, base) => {
    if (ins.length !== 2) throw unsupported(n, 'needs two inputs');
    return [ec.emit(op, base, ins)];
  };

function clip(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const lo = n.input(1)?.const?.toFloat32()[0] ?? n.getFloat('min', -3.4028234663852886e38);
  const hi = n.input(2)?.const?.toFloat32()[0] ?? n.getFloat('max', 3.4028234663852886e38);
  if ((n.input(1) && !n.input(1)!.const) || (n.input(2) && !n.input(2)!.const))
    throw unsupported(n, 'bounds must be constants', 'min');
  if (lo === 0 && hi === 6) return [ec.emit('Relu6', base, [ins[0]!])];
  if (lo === 0 && hi >= 3.4e38) return [ec.emit('Relu', base, [ins[0]!])];
  return [ec.emit('ClipByValue', base, [ins[0]!, ec.float(`${base}/min`, lo), ec.float(`${base}/max`, hi)])];
}

function softmax(op: string): TfExporter {
  return (ec, n, ins, base) => {
    const opset13 = n.getInt('axis') === undefined ? -1 : n.getInt('axis')!;
    const rank = rankOf(n.input(0));
    // Axis -1, the last axis of a known rank, or axis 1 of the usual 2-D logits.
    if (opset13 === -1 || (rank !== undefined && opset13 === rank - 1) || (rank === undefined && opset13 === 1)) {
      return [ec.emit(op, base, [ins[0]!])];
    }
    throw unsupported(n, `axis ${opset13} is not the last axis`, 'axis');
  };
}

function reshapeTo(ec: ExportContext, n: Node, x: string, shapeIn: Value | null, base: string): string {
  if (!shapeIn) throw unsupported(n, 'no shape input', 'shape');
  if (!shapeIn.const)
    return ec.emit('Reshape', base, [
      x,
      ec.emit('Cast', `${base}/shape_i32`, [ec.ref(shapeIn)!], { DstT: a.type('int32') }),
    ]);
  let shape = constInts(n, 1, 'shape')!;
  if (shape.includes(0) && n.getInt('allowzero', 0) === 0) {
    // ONNX 0 copies the input dimension; TF reads it as size 0. Resolve from the input's shape,
    // or else read the dimension at run time.
    const inShape = n.input(0)?.shape;
    const dims: (number | undefined)[] = shape.map((d, i) => {
      if (d !== 0) return d;
      const known = inShape?.[i];
      if (typeof known === 'number') return known;
      if (i === 0 && !shape.includes(-1)) return -1;
      return undefined;
    });
    if (dims.some((d) => d === undefined)) {
      const s = ec.emit('Shape', `${base}/input_shape`, [x], { out_type: a.type('int32') });
      const parts = dims.map((d, i) =>
        d !== undefined
          ? ec.int32s(`${base}/dim${i}`, [d], [])
          : ec.emit(
              'StridedSlice',
              `${base}/dim${i}`,
              [
                s,
                ec.int32s(`${base}/begin${i}`, [i]),
                ec.int32s(`${base}/end${i}`, [i + 1]),
                ec.int32s(`${base}/stride${i}`, [1]),
              ],
              {
                shrink_axis_mask: a.i(1),
                begin_mask: a.i(0),
                end_mask: a.i(0),
                ellipsis_mask: a.i(0),
                new_axis_mask: a.i(0),
              },
            ),
      );
      const target = ec.emit('Pack', `${base}/target`, parts, {
        axis: a.i(0),
        N: a.i(parts.length),
        T: a.type('int32'),
      });
      return ec.emit('Reshape', base, [x, target]);
    }
    shape = dims as number[];
  }
  return ec.emit('Reshape', base, [x, ec.int32s(`${base}/shape`, shape)]);
}

function flatten(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const axis = n.getInt('axis', 1);
  const shape = n.input(0)?.shape;
  if (axis === 0) return [ec.emit('Reshape', base, [ins[0]!, ec.int32s(`${base}/shape`, [1, -1])])];
  if (axis !== 1) throw unsupported(n, `axis ${axis}`, 'axis');
  const rest = shape?.slice(1);
  if (rest?.every((d) => typeof d === 'number')) {
    const size = (rest as number[]).reduce((p, d) => p * d, 1);
    return [ec.emit('Reshape', base, [ins[0]!, ec.int32s(`${base}/shape`, [-1, size])])];
  }
  // [batch, -1] built at run time, as Keras' Flatten does.
  const s = ec.emit('Shape', `${base}/shape`, [ins[0]!], { out_type: a.type('int32') });
  const batch = ec.emit(
    'StridedSlice',
    `${base}/batch`,
    [s, ec.int32s(`${base}/begin`, [0]), ec.int32s(`${base}/end`, [1]), ec.int32s(`${base}/strides`, [1])],
    {
      shrink_axis_mask: a.i(1),
      begin_mask: a.i(0),
      end_mask: a.i(0),
      ellipsis_mask: a.i(0),
      new_axis_mask: a.i(0),
      Index: a.type('int32'),
      T: a.type('int32'),
    },
  );
  const packed = ec.emit('Pack', `${base}/target`, [batch, ec.int32s(`${base}/minus_one`, [-1], [])], {
    axis: a.i(0),
    N: a.i(2),
    T: a.type('int32'),
  });
  return [ec.emit('Reshape', base, [ins[0]!, packed])];
}

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

function reduce(op: string, inputAxes: boolean): TfExporter {
  return (ec, n, ins, base) => {
    const axes = inputAxes ? axesOf(n, 1) : n.getInts('axes');
    if (!axes || axes.length === 0) {
      const rank = rankOf(n.input(0));
      if (rank === undefined || n.getInt('noop_with_empty_axes', 0) === 1)
        throw unsupported(n, 'reducing all axes of unknown rank', 'axes');
      return reduceOver(
        ec,
        n,
        ins,
        base,
        op,
        Array.from({ length: rank }, (_, i) => i),
      );
    }
    return reduceOver(ec, n, ins, base, op, axes);
  };
}

function reduceOver(ec: ExportContext, n: Node, ins: string[], base: string, op: string, axes: number[]): string[] {
  return [
    ec.emit(op, base, [ins[0]!, ec.int32s(`${base}/axes`, axes)], { keep_dims: a.b(n.getInt('keepdims', 1) === 1) }),
  ];
}

function pad(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const mode = n.getString('mode', 'constant');
  const pads = n.getInts('pads') ?? constInts(n, 1, 'pads');
  if (!pads || pads.length % 2 !== 0) throw unsupported(n, 'pads must be constant', 'pads');
  if (n.input(3)) throw unsupported(n, 'the axes input', 'axes');
  const r = pads.length / 2;
  const paddings = ec.int32s(`${base}/paddings`, Array.from({ length: r }, (_, i) => [pads[i]!, pads[i + r]!]).flat(), [
    r,
    2,
  ]);
  if (mode === 'reflect') return [ec.emit('MirrorPad', base, [ins[0]!, paddings], { mode: a.s('REFLECT') })];
  if (mode !== 'constant') throw unsupported(n, `mode ${mode}`, 'mode');
  const vIn = n.input(2);
  const value = vIn ? ins[2]! : ec.float(`${base}/value`, n.getFloat('value', 0));
  return [ec.emit('PadV2', base, [ins[0]!, paddings, value])];
}

function slice(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const starts = n.getInts('starts') ?? constInts(n, 1, 'starts');
  const ends = n.getInts('ends') ?? constInts(n, 2, 'ends');
  if (!starts || !ends || starts.length !== ends.length)
    throw unsupported(n, 'starts/ends must be constants', 'starts');
  const axes =
    n.getInts('axes') ?? (n.getInts('starts') ? undefined : constInts(n, 3, 'axes')) ?? starts.map((_, i) => i);
  const steps = (n.getInts('starts') ? undefined : constInts(n, 4, 'steps')) ?? starts.map(() => 1);
  const rank = rankOf(n.input(0));
  const norm = axes.map((x) => {
    if (x >= 0) return x;
    if (rank === undefined) throw unsupported(n, 'negative axes on an input of unknown rank', 'axes');
    return x + rank;
  });
  const len = Math.max(...norm) + 1;
  const begin = new Array<number>(len).fill(0);
  const end = new Array<number>(len).fill(0);
  const stride = new Array<number>(len).fill(1);
  let beginMask = 0;
  let endMask = 0;
  for (let d = 0; d < len; d++) {
    const k = norm.indexOf(d);
    if (k < 0) {
      beginMask |= 1 << d;
      endMask |= 1 << d;
      continue;
    }
    begin[d] = starts[k]!;
    end[d] = ends[k]!;
    stride[d] = steps[k]!;
  }
  return [
    ec.emit(
      'StridedSlice',
      base,
      [ins[0]!, ec.int32s(`${base}/begin`, begin), ec.int32s(`${base}/end`, end), ec.int32s(`${base}/strides`, stride)],
      {
        begin_mask: a.i(beginMask),
        end_mask: a.i(endMask),
        shrink_axis_mask: a.i(0),
        ellipsis_mask: a.i(0),
        new_axis_mask: a.i(0),
      },
    ),
  ];
}

function unsqueeze(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const axes = axesOf(n, 1);
  if (!axes || axes.length === 0) throw unsupported(n, 'axes must be constant', 'axes');
  if (axes.length > 1 && axes.some((x) => x < 0)) throw unsupported(n, 'several negative axes', 'axes');
  let y = ins[0]!;
  const sorted = [...axes].sort((p, q) => p - q);
  sorted.forEach((ax, i) => {
    y = ec.emit('ExpandDims', i === sorted.length - 1 ? base : `${base}/expand`, [
      y,
      ec.int32s(`${base}/dim`, [ax], []),
    ]);
  });
  return [y];
}

function tfDomain(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const attr: Record<string, AttrJson> = { T: a.type('float32') };
  for (const [k, v] of n.attributes) {
    if (v.type === 'ints') attr[k] = a.ints(v.value.map(Number));
    else if (v.type === 'string') attr[k] = a.s(v.value);
    else if (v.type === 'int') attr[k] = a.i(Number(v.value));
  }
  if (n.opType !== 'BiasAdd') attr.data_format = a.s('NHWC');
  return [ec.emit(n.opType, base, ins, attr)];
}

function cast(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const to: DataType = dtypeOfOnnxCode(n.getInt('to', 1)) ?? 'float32';
  return [ec.emit('Cast', base, [ins[0]!], { DstT: a.type(to) })];
}

export const TF_EXPORTERS: ReadonlyMap<string, TfExporter> = new Map<string, TfExporter>([
  ['Identity', same('Identity')],
  ['Dropout', same('Identity')],
  ...[
    'Relu',
    'Sigmoid',
    'Tanh',
    'Elu',
    'Exp',
    'Log',
    'Sqrt',
    'Neg',
    'Abs',
    'Floor',
    'Ceil',
    'Round',
    'Reciprocal',
    'Softplus',
    'Erf',
    'Sign',
    'Selu',
  ].map((op) => [op, same(op)] as [string, TfExporter]),
  [
    'LeakyRelu',
    (ec, n, ins, base) => [ec.emit('LeakyRelu', base, [ins[0]!], { alpha: a.f(n.getFloat('alpha', 0.01)) })],
  ],
  [
    'HardSigmoid',
    (ec, n, ins, base) => {
      const y = ec.emit('AddV2', `${base}/affine`, [
        ec.emit('Mul', `${base}/scale`, [ins[0]!, ec.float(`${base}/alpha`, n.getFloat('alpha', 0.2))]),
        ec.float(`${base}/beta`, n.getFloat('beta', 0.5)),
      ]);
      return [ec.emit('ClipByValue', base, [y, ec.float(`${base}/zero`, 0), ec.float(`${base}/one`, 1)])];
    },
  ],
  ['Clip', clip],
  ['Add', binary('AddV2')],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['Div', binary('RealDiv')],
  ['Max', binary('Maximum')],
  ['Min', binary('Minimum')],
  ['Pow', binary('Pow')],
  ['PRelu', binary('Prelu')],
  [
    'MatMul',
    (ec, _n, ins, base) => [
      ec.emit('BatchMatMulV2', base, ins, { adj_x: a.b(false), adj_y: a.b(false), T: a.type('float32') }),
    ],
  ],
  ['Gemm', gemm],
  ['Softmax', softmax('Softmax')],
  ['LogSoftmax', softmax('LogSoftmax')],
  ['Reshape', (ec, n, ins, base) => [reshapeTo(ec, n, ins[0]!, n.input(1), base)]],
  ['Flatten', flatten],
  [
    'Transpose',
    (ec, n, ins, base) => {
      const perm = n.getInts('perm');
      if (!perm) throw unsupported(n, 'a perm attribute is needed', 'perm');
      return [ec.emit('Transpose', base, [ins[0]!, ec.int32s(`${base}/perm`, perm)])];
    },
  ],
  [
    'Concat',
    (ec, n, ins, base) => [
      ec.emit('ConcatV2', base, [...ins, ec.int32s(`${base}/axis`, [n.getInt('axis', 0)], [])], { N: a.i(ins.length) }),
    ],
  ],
  [
    'Squeeze',
    (ec, n, ins, base) => {
      const axes = axesOf(n, 1);
      return [ec.emit('Squeeze', base, [ins[0]!], axes && axes.length > 0 ? { squeeze_dims: a.ints(axes) } : {})];
    },
  ],
  ['Unsqueeze', unsqueeze],
  ['ReduceMean', reduce('Mean', true)],
  ['ReduceSum', reduce('Sum', true)],
  ['ReduceMax', reduce('Max', true)],
  ['ReduceMin', reduce('Min', true)],
  ['GlobalAveragePool', (ec, n, ins, base) => reduceOver(ec, n, ins, base, 'Mean', [2, 3])],
  ['GlobalMaxPool', (ec, n, ins, base) => reduceOver(ec, n, ins, base, 'Max', [2, 3])],
  ['Pad', pad],
  ['Slice', slice],
  [
    'Shape',
    (ec, n, ins, base) => {
      if (n.getInt('start') !== undefined || n.getInt('end') !== undefined) throw unsupported(n, 'start/end', 'start');
      return [ec.emit('Shape', base, [ins[0]!], { out_type: a.type('int32') })];
    },
  ],
  ['Cast', cast],
  [
    'Tile',
    (ec, n, ins, base) => {
      const reps = constInts(n, 1, 'repeats');
      return [
        ec.emit('Tile', base, [
          ins[0]!,
          reps
            ? ec.int32s(`${base}/multiples`, reps)
            : ec.emit('Cast', `${base}/multiples`, [ins[1]!], { DstT: a.type('int32') }),
        ]),
      ];
    },
  ],
  [
    'Gather',
    (ec, n, ins, base) => [
      ec.emit('GatherV2', base, [ins[0]!, ins[1]!, ec.int32s(`${base}/axis`, [n.getInt('axis', 0)], [])], {
        batch_dims: a.i(0),
      }),
    ],
  ],
]);

/** Emitter for a node: ONNX-domain ops by table, TF-domain ops (from lowering) as they are. */
export function exporterFor(n: Node): TfExporter {
  if (n.domain === TF_DOMAIN) return tfDomain;
  const e = n.domain === '' || n.domain === 'ai.onnx' ? TF_EXPORTERS.get(n.opType) : undefined;
  if (!e) {
    throw new UnsupportedError(`op ${n.domain ? `${n.domain}.` : ''}${n.opType} cannot be written as TF.js`, {
      code: 'tfjs/unsupported-op',
      node: n.label(),
      field: 'op_type',
    });
  }
  return e;
}
