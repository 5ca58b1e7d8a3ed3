// IR shape ops -> TF ops: reshapes, joins and splits, padding, tiling, and tensors made from shapes
// (Expand, ConstantOfShape, Range). Shape operands may be computed at run time (TF.js reads them).
import type { DataType, Node, Value } from '@enxuto/ir';
import { a, type ExportContext } from './context.js';
import {
  axesOf,
  constInts,
  int32Operand,
  needRank,
  rankOf,
  type TfExporter,
  tfType,
  transposeRef,
  unsupported,
} from './common.js';

/** dims[i] of x as a scalar, read at run time. */
function dimOf(ec: ExportContext, x: string, i: number, base: string): string {
  const s = ec.emit('Shape', `${base}/shape`, [x], { out_type: a.type('int32') });
  return ec.emit(
    'StridedSlice',
    `${base}/dim${i}`,
    [s, ec.int32s(`${base}/b${i}`, [i]), ec.int32s(`${base}/e${i}`, [i + 1]), ec.int32s(`${base}/s${i}`, [1])],
    {
      shrink_axis_mask: a.i(1),
      begin_mask: a.i(0),
      end_mask: a.i(0),
      ellipsis_mask: a.i(0),
      new_axis_mask: a.i(0),
    },
  );
}

function reshapeTo(ec: ExportContext, n: Node, x: string, shapeIn: Value | null, ins: string[], base: string): string {
  if (!shapeIn) throw unsupported(n, 'no shape input', 'shape');
  const copyZeros = n.getInt('allowzero', 0) === 0;
  if (!shapeIn.const) {
    let target = int32Operand(ec, n, 1, ins, `${base}/shape_i32`);
    const len = shapeIn.shape?.[0];
    const rank = rankOf(n.input(0));
    // ONNX's 0 copies the input's dimension: pick it from the input's shape where the target says 0.
    if (copyZeros && typeof len === 'number' && rank !== undefined && len <= rank) {
      const s = ec.emit('Shape', `${base}/in_shape`, [x], { out_type: a.type('int32') });
      const head = ec.emit(
        'StridedSlice',
        `${base}/head`,
        [s, ec.int32s(`${base}/hb`, [0]), ec.int32s(`${base}/he`, [len]), ec.int32s(`${base}/hs`, [1])],
        {
          begin_mask: a.i(0),
          end_mask: a.i(0),
          shrink_axis_mask: a.i(0),
          ellipsis_mask: a.i(0),
          new_axis_mask: a.i(0),
        },
      );
      const zero = ec.emit('Equal', `${base}/is_zero`, [target, ec.int32s(`${base}/zero`, [0], [])]);
      target = ec.emit('SelectV2', `${base}/target`, [zero, head, target]);
    }
    return ec.emit('Reshape', base, [x, target]);
  }
  let shape = constInts(n, 1, 'shape')!;
  if (shape.includes(0) && copyZeros) {
    const inShape = n.input(0)?.shape;
    const dims: (number | undefined)[] = shape.map((d, i) => {
      if (d !== 0) return d;
      const known = inShape?.[i];
      if (typeof known === 'number') return known;
      if (i === 0 && !shape.includes(-1)) return -1;
      return undefined;
    });
    if (dims.some((d) => d === undefined)) {
      const parts = dims.map((d, i) =>
        d !== undefined ? ec.int32s(`${base}/dim${i}`, [d], []) : dimOf(ec, x, i, base),
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
  const rank = rankOf(n.input(0));
  let axis = n.getInt('axis', 1);
  if (axis < 0) {
    if (rank === undefined) throw unsupported(n, 'a negative axis on an input of unknown rank', 'axis');
    axis += rank;
  }
  if (axis === 0) return [ec.emit('Reshape', base, [ins[0]!, ec.int32s(`${base}/shape`, [1, -1])])];
  const shape = n.input(0)?.shape;
  const lead = shape?.slice(0, axis);
  const rest = shape?.slice(axis);
  if (rest?.every((d) => typeof d === 'number')) {
    const size = (rest as number[]).reduce((p, d) => p * d, 1);
    return [ec.emit('Reshape', base, [ins[0]!, ec.int32s(`${base}/shape`, [-1, size])])];
  }
  if (lead?.every((d) => typeof d === 'number')) {
    const size = (lead as number[]).reduce((p, d) => p * d, 1);
    return [ec.emit('Reshape', base, [ins[0]!, ec.int32s(`${base}/shape`, [size, -1])])];
  }
  // [prod(dims[:axis]), -1] at run time, as Keras' Flatten does for axis 1.
  const s = ec.emit('Shape', `${base}/in_shape`, [ins[0]!], { out_type: a.type('int32') });
  const headDims = ec.emit(
    'StridedSlice',
    `${base}/lead`,
    [s, ec.int32s(`${base}/b`, [0]), ec.int32s(`${base}/e`, [axis]), ec.int32s(`${base}/st`, [1])],
    {
      begin_mask: a.i(0),
      end_mask: a.i(0),
      shrink_axis_mask: a.i(0),
      ellipsis_mask: a.i(0),
      new_axis_mask: a.i(0),
    },
  );
  const lead1 = ec.emit('Prod', `${base}/lead_size`, [headDims, ec.int32s(`${base}/axis0`, [0])], {
    keep_dims: a.b(true),
  });
  const target = ec.emit(
    'ConcatV2',
    `${base}/target`,
    [lead1, ec.int32s(`${base}/minus_one`, [-1]), ec.int32s(`${base}/cat_axis`, [0], [])],
    { N: a.i(2) },
  );
  return [ec.emit('Reshape', base, [ins[0]!, target])];
}

function unsqueeze(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const axes = axesOf(n, 1);
  if (!axes || axes.length === 0) throw unsupported(n, 'axes must be constant', 'axes');
  let norm = axes;
  if (axes.length > 1 && axes.some((x) => x < 0)) {
    const out = needRank(n, 0, 'several negative axes') + axes.length;
    norm = axes.map((x) => (x < 0 ? x + out : x));
  }
  let y = ins[0]!;
  const sorted = [...norm].sort((p, q) => p - q);
  sorted.forEach((ax, i) => {
    y = ec.emit('ExpandDims', i === sorted.length - 1 ? base : `${base}/expand`, [
      y,
      ec.int32s(`${base}/dim`, [ax], []),
    ]);
  });
  return [y];
}

/** TF paddings [[before, after], ...] from ONNX pads [befores..., afters...] (constant or computed). */
function paddingsOf(ec: ExportContext, n: Node, ins: string[], base: string): string {
  let pads = n.getInts('pads') ?? (n.input(1)?.const ? constInts(n, 1, 'pads') : undefined);
  const axes = n.input(3) ? constInts(n, 3, 'axes') : undefined;
  if (pads) {
    if (pads.length % 2 !== 0) throw unsupported(n, 'pads must have an even length', 'pads');
    if (axes) {
      const r = needRank(n, 0, 'the axes input');
      const full = new Array<number>(2 * r).fill(0);
      axes.forEach((ax, k) => {
        const d = ax < 0 ? ax + r : ax;
        full[d] = pads![k]!;
        full[d + r] = pads![k + axes.length]!;
      });
      pads = full;
    }
    const r = pads.length / 2;
    return ec.int32s(`${base}/paddings`, Array.from({ length: r }, (_, i) => [pads![i]!, pads![i + r]!]).flat(), [
      r,
      2,
    ]);
  }
  if (axes) throw unsupported(n, 'computed pads with an axes input', 'axes');
  const p = int32Operand(ec, n, 1, ins, `${base}/pads_i32`);
  return transposeRef(
    ec,
    ec.emit('Reshape', `${base}/pads_2xr`, [p, ec.int32s(`${base}/two_rows`, [2, -1])]),
    [1, 0],
    `${base}/paddings`,
  );
}

function pad(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const mode = n.getString('mode', 'constant');
  const paddings = paddingsOf(ec, n, ins, base);
  if (mode === 'reflect') return [ec.emit('MirrorPad', base, [ins[0]!, paddings], { mode: a.s('REFLECT') })];
  if (mode !== 'constant')
    throw unsupported(n, `mode ${mode} (TF.js pads only with a constant or by reflection)`, 'mode');
  const t = tfType(n.input(0));
  const value = n.input(2) ? ins[2]! : ec.scalar(`${base}/value`, t, n.getFloat('value', 0));
  return [ec.emit('PadV2', base, [ins[0]!, paddings, value])];
}

/** Split into parts of the `split` sizes, or num_outputs parts (the last may be smaller, ONNX 18). */
function split(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const count = n.outputs.length;
  const rank = rankOf(n.input(0));
  const axis = n.getInt('axis', 0);
  const axisRef = ec.int32s(`${base}/axis`, [axis], []);
  const sizesAttr = n.getInts('split');
  let sizes: string;
  if (sizesAttr) sizes = ec.int32s(`${base}/sizes`, sizesAttr);
  else if (n.input(1)) sizes = int32Operand(ec, n, 1, ins, `${base}/sizes`);
  else {
    const dim = rank !== undefined ? n.input(0)?.shape?.[axis < 0 ? axis + rank : axis] : undefined;
    if (typeof dim !== 'number') {
      const parts = ec.emit('Split', base, [axisRef, ins[0]!], { num_split: a.i(count) });
      return Array.from({ length: count }, (_, i) => `${parts}:${i}`);
    }
    const chunk = Math.ceil(dim / count);
    sizes = ec.int32s(
      `${base}/sizes`,
      Array.from({ length: count }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk))),
    );
  }
  const parts = ec.emit('SplitV', base, [ins[0]!, sizes, axisRef], { num_split: a.i(count) });
  return Array.from({ length: count }, (_, i) => `${parts}:${i}`);
}

/**
 * Expand broadcasts both ways (a 1 in the target keeps the input's dimension): the input times ones
 * of the broadcast shape (through int32 for bools). TF.js 4.22's BroadcastTo, and ops that use it
 * inside (SelectV2), return the input unchanged when the target has a zero-size dimension.
 */
const expand: TfExporter = (ec, n, ins, base) => {
  const target = int32Operand(ec, n, 1, ins, `${base}/shape_i32`);
  const s = ec.emit('Shape', `${base}/in_shape`, [ins[0]!], { out_type: a.type('int32') });
  const outShape = ec.emit('BroadcastArgs', `${base}/out_shape`, [s, target]);
  const t = tfType(n.input(0));
  const bool = t === 'bool';
  const num = bool ? 'int32' : t;
  const x = bool ? ec.emit('Cast', `${base}/as_int`, [ins[0]!], { DstT: a.type('int32') }) : ins[0]!;
  const ones = ec.emit('Fill', `${base}/ones`, [outShape, ec.scalar(`${base}/one`, num, 1)], { T: a.type(num) });
  const y = ec.emit('Mul', bool ? `${base}/product` : base, [x, ones]);
  return [bool ? ec.emit('Cast', base, [y], { DstT: a.type('bool') }) : y];
};

const constantOfShape: TfExporter = (ec, n, ins, base) => {
  const t = n.getTensor('value');
  const dtype: DataType = tfType(undefined, t?.dtype ?? 'float32');
  const v = t ? Number((t.values() as ArrayLike<number | bigint>)[0] ?? 0) : 0;
  return [
    ec.emit('Fill', base, [int32Operand(ec, n, 0, ins, `${base}/shape_i32`), ec.scalar(`${base}/value`, dtype, v)], {
      T: a.type(dtype),
    }),
  ];
};

const shape: TfExporter = (ec, n, ins, base) => {
  const start = n.getInt('start');
  const end = n.getInt('end');
  if (start === undefined && end === undefined)
    return [ec.emit('Shape', base, [ins[0]!], { out_type: a.type('int32') })];
  const s = ec.emit('Shape', `${base}/full`, [ins[0]!], { out_type: a.type('int32') });
  return [
    ec.emit(
      'StridedSlice',
      base,
      [s, ec.int32s(`${base}/b`, [start ?? 0]), ec.int32s(`${base}/e`, [end ?? 0]), ec.int32s(`${base}/st`, [1])],
      {
        begin_mask: a.i(0),
        end_mask: a.i(end === undefined ? 1 : 0),
        shrink_axis_mask: a.i(0),
        ellipsis_mask: a.i(0),
        new_axis_mask: a.i(0),
      },
    ),
  ];
};

const reversedAxes = (r: number): number[] => Array.from({ length: r }, (_, i) => r - 1 - i);

export const SHAPE_EXPORTERS: [string, TfExporter][] = [
  ['Reshape', (ec, n, ins, base) => [reshapeTo(ec, n, ins[0]!, n.input(1), ins, base)]],
  ['Flatten', flatten],
  [
    'Transpose',
    (ec, n, ins, base) => {
      const perm = n.getInts('perm') ?? reversedAxes(needRank(n, 0, 'a Transpose without perm'));
      return [transposeRef(ec, ins[0]!, perm, base)];
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
  ['Pad', pad],
  ['Split', split],
  ['Expand', expand],
  ['ConstantOfShape', constantOfShape],
  ['Range', (ec, n, ins, base) => [ec.emit('Range', base, ins, { Tidx: a.type(tfType(n.input(0))) })]],
  ['Shape', shape],
  ['Size', (ec, _n, ins, base) => [ec.emit('Size', base, [ins[0]!], { out_type: a.type('int32') })]],
  ['Tile', (ec, n, ins, base) => [ec.emit('Tile', base, [ins[0]!, int32Operand(ec, n, 1, ins, `${base}/multiples`)])]],
];
