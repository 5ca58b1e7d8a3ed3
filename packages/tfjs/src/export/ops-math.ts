// Element-wise IR ops, comparisons, logic, casts and reductions -> TF ops TF.js runs.
import type { DataType, Node } from '@enxuto/ir';
import { dtypeOfOnnxCode } from '../dtypes.js';
import { a, type ExportContext } from './context.js';
import {
  axesOf,
  binary,
  isIntType,
  needRank,
  rankOf,
  same,
  type TfExporter,
  tfType,
  unsupported,
  variadic,
} from './common.js';

const UNARY_SAME = [
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
  'Sin',
  'Cos',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
];

function clip(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const lo = n.input(1)?.const?.toFloat32()[0] ?? n.getFloat('min', -3.4028234663852886e38);
  const hi = n.input(2)?.const?.toFloat32()[0] ?? n.getFloat('max', 3.4028234663852886e38);
  const dynamic = (i: number) => n.input(i) !== null && n.input(i) !== undefined && !n.input(i)!.const;
  if (dynamic(1) || dynamic(2)) {
    let y = ins[0]!;
    if (n.input(1)) y = ec.emit('Maximum', `${base}/lo`, [y, ins[1]!]);
    if (n.input(2)) y = ec.emit('Minimum', `${base}/hi`, [y, ins[2]!]);
    return [ec.emit('Identity', base, [y])];
  }
  const t = tfType(n.input(0));
  if (t === 'float32' && lo === 0 && hi === 6) return [ec.emit('Relu6', base, [ins[0]!])];
  if (t === 'float32' && lo === 0 && hi >= 3.4e38) return [ec.emit('Relu', base, [ins[0]!])];
  return [ec.emit('ClipByValue', base, [ins[0]!, ec.scalar(`${base}/min`, t, lo), ec.scalar(`${base}/max`, t, hi)])];
}

/** ONNX divides integers truncating toward zero; TF.js's int32 division floors. Floats divide as they are. */
function div(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const t = tfType(n.input(0));
  if (!isIntType(t)) return [ec.emit('RealDiv', base, ins)];
  const f = (i: number) => ec.emit('Cast', `${base}/f${i}`, [ins[i]!], { DstT: a.type('float32') });
  const q = ec.emit('RealDiv', `${base}/q`, [f(0), f(1)]);
  const trunc = ec.emit('Mul', `${base}/trunc`, [
    ec.emit('Sign', `${base}/sign`, [q]),
    ec.emit('Floor', `${base}/floor`, [ec.emit('Abs', `${base}/abs`, [q])]),
  ]);
  return [ec.emit('Cast', base, [trunc], { DstT: a.type('int32') })];
}

/** Mod: fmod=0 takes the divisor's sign (TF.js's mod); fmod=1 the dividend's (C fmod). */
function mod(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  if (n.getInt('fmod', 0) === 0) return [ec.emit('FloorMod', base, ins)];
  const r = ec.emit('FloorMod', `${base}/floor_mod`, ins);
  const t = tfType(n.input(0));
  const zero = ec.scalar(`${base}/zero`, t, 0);
  const signsDiffer = ec.emit('NotEqual', `${base}/signs`, [
    ec.emit('Less', `${base}/r_neg`, [r, zero]),
    ec.emit('Less', `${base}/a_neg`, [ins[0]!, zero]),
  ]);
  const fix = ec.emit('LogicalAnd', `${base}/fix`, [ec.emit('NotEqual', `${base}/nonzero`, [r, zero]), signsDiffer]);
  return [ec.emit('SelectV2', base, [fix, ec.emit('Sub', `${base}/shifted`, [r, ins[1]!]), r])];
}

function cast(ec: ExportContext, n: Node, ins: string[], base: string): string[] {
  const to: DataType = dtypeOfOnnxCode(n.getInt('to', 1)) ?? 'float32';
  return [ec.emit('Cast', base, [ins[0]!], { DstT: a.type(to) })];
}

/** HardSwish: x * relu6(x + 3) / 6. */
const hardSwish: TfExporter = (ec, _n, ins, base) => {
  const r = ec.emit('Relu6', `${base}/relu6`, [
    ec.emit('AddV2', `${base}/plus3`, [ins[0]!, ec.float(`${base}/three`, 3)]),
  ]);
  return [ec.emit('Mul', base, [ins[0]!, ec.emit('RealDiv', `${base}/sixth`, [r, ec.float(`${base}/six`, 6)])])];
};

const hardSigmoid: TfExporter = (ec, n, ins, base) => {
  const y = ec.emit('AddV2', `${base}/affine`, [
    ec.emit('Mul', `${base}/scale`, [ins[0]!, ec.float(`${base}/alpha`, n.getFloat('alpha', 0.2))]),
    ec.float(`${base}/beta`, n.getFloat('beta', 0.5)),
  ]);
  return [ec.emit('ClipByValue', base, [y, ec.float(`${base}/zero`, 0), ec.float(`${base}/one`, 1)])];
};

/** Gelu: 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation. */
const gelu: TfExporter = (ec, n, ins, base) => {
  const x = ins[0]!;
  let inner: string;
  if (n.getString('approximate', 'none') === 'tanh') {
    const cube = ec.emit('Mul', `${base}/cube`, [x, ec.emit('Mul', `${base}/sq`, [x, x])]);
    const s = ec.emit('AddV2', `${base}/s`, [x, ec.emit('Mul', `${base}/c`, [cube, ec.float(`${base}/k`, 0.044715)])]);
    inner = ec.emit('Tanh', `${base}/tanh`, [
      ec.emit('Mul', `${base}/scaled`, [s, ec.float(`${base}/r`, Math.sqrt(2 / Math.PI))]),
    ]);
  } else {
    inner = ec.emit('Erf', `${base}/erf`, [ec.emit('Mul', `${base}/scaled`, [x, ec.float(`${base}/r`, Math.SQRT1_2)])]);
  }
  const onePlus = ec.emit('AddV2', `${base}/one_plus`, [inner, ec.float(`${base}/one`, 1)]);
  return [ec.emit('Mul', base, [ec.emit('Mul', `${base}/half_x`, [x, ec.float(`${base}/half`, 0.5)]), onePlus])];
};

function reduceOver(ec: ExportContext, n: Node, x: string, base: string, op: string, axes: number[]): string {
  return ec.emit(op, base, [x, ec.int32s(`${base}/axes`, axes)], { keep_dims: a.b(n.getInt('keepdims', 1) === 1) });
}

/** Reductions: axes from the attribute or a constant input; none means all (unless noop_with_empty_axes). */
function reduce(op: string, pre?: string, post?: string): TfExporter {
  return (ec, n, ins, base) => {
    let axes = axesOf(n, 1);
    if (!axes || axes.length === 0) {
      if (n.getInt('noop_with_empty_axes', 0) === 1) return [ec.emit('Identity', base, [ins[0]!])];
      axes = Array.from({ length: needRank(n, 0, 'reducing every axis') }, (_, i) => i);
    }
    const x = pre ? ec.emit(pre, `${base}/${pre}`, [ins[0]!]) : ins[0]!;
    const y = reduceOver(ec, n, x, post ? `${base}/${op}` : base, op, axes);
    return [post ? ec.emit(post, base, [y]) : y];
  };
}

function argReduce(op: 'ArgMax' | 'ArgMin'): TfExporter {
  return (ec, n, ins, base) => {
    if (n.getInt('select_last_index', 0) !== 0) throw unsupported(n, 'select_last_index=1', 'select_last_index');
    const axis = n.getInt('axis', 0);
    const keep = n.getInt('keepdims', 1) === 1;
    const y = ec.emit(op, keep ? `${base}/${op}` : base, [ins[0]!, ec.int32s(`${base}/axis`, [axis], [])], {
      output_type: a.type('int32'),
    });
    return [keep ? ec.emit('ExpandDims', base, [y, ec.int32s(`${base}/dim`, [axis], [])]) : y];
  };
}

const cumsum: TfExporter = (ec, n, ins, base) => [
  ec.emit('Cumsum', base, [ins[0]!, ins[1]!], {
    exclusive: a.b(n.getInt('exclusive', 0) === 1),
    reverse: a.b(n.getInt('reverse', 0) === 1),
  }),
];

/** IsInf with detect_positive/negative. */
const isInf: TfExporter = (ec, n, ins, base) => {
  const pos = n.getInt('detect_positive', 1) === 1;
  const neg = n.getInt('detect_negative', 1) === 1;
  if (pos && neg) return [ec.emit('IsInf', base, ins)];
  const inf = ec.emit('IsInf', `${base}/inf`, ins);
  if (!pos && !neg) return [ec.emit('LogicalAnd', base, [inf, ec.emit('LogicalNot', `${base}/none`, [inf])])];
  const side = ec.emit(pos ? 'Greater' : 'Less', `${base}/side`, [ins[0]!, ec.float(`${base}/zero`, 0)]);
  return [ec.emit('LogicalAnd', base, [inf, side])];
};

export const MATH_EXPORTERS: [string, TfExporter][] = [
  ['Identity', same('Identity')],
  ['Dropout', (ec, _n, ins, base) => [ec.emit('Identity', base, [ins[0]!])]],
  ...UNARY_SAME.map((op) => [op, same(op)] as [string, TfExporter]),
  ['IsNaN', same('IsNan')],
  ['IsInf', isInf],
  ['Not', same('LogicalNot')],
  ['And', binary('LogicalAnd')],
  ['Or', binary('LogicalOr')],
  ['Xor', binary('NotEqual')],
  ['Equal', binary('Equal')],
  ['Less', binary('Less')],
  ['LessOrEqual', binary('LessEqual')],
  ['Greater', binary('Greater')],
  ['GreaterOrEqual', binary('GreaterEqual')],
  [
    'LeakyRelu',
    (ec, n, ins, base) => [ec.emit('LeakyRelu', base, [ins[0]!], { alpha: a.f(n.getFloat('alpha', 0.01)) })],
  ],
  ['HardSigmoid', hardSigmoid],
  ['HardSwish', hardSwish],
  ['Gelu', gelu],
  [
    'Softsign',
    (ec, _n, ins, base) => [
      ec.emit('RealDiv', base, [
        ins[0]!,
        ec.emit('AddV2', `${base}/den`, [ec.emit('Abs', `${base}/abs`, ins), ec.float(`${base}/one`, 1)]),
      ]),
    ],
  ],
  ['Clip', clip],
  ['Add', binary('AddV2')],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['Div', div],
  ['Mod', mod],
  ['Pow', binary('Pow')],
  ['PRelu', binary('Prelu')],
  ['Max', variadic('Maximum')],
  ['Min', variadic('Minimum')],
  ['Sum', variadic('AddV2')],
  ['Mean', variadic('AddV2', true)],
  ['Where', (ec, _n, ins, base) => [ec.emit('SelectV2', base, ins)]],
  ['Cast', cast],
  ['CastLike', (ec, n, ins, base) => [ec.emit('Cast', base, [ins[0]!], { DstT: a.type(tfType(n.input(1))) })]],
  ['ReduceMean', reduce('Mean')],
  ['ReduceSum', reduce('Sum')],
  ['ReduceMax', reduce('Max')],
  ['ReduceMin', reduce('Min')],
  ['ReduceProd', reduce('Prod')],
  ['ReduceL2', reduce('EuclideanNorm')],
  ['ReduceL1', reduce('Sum', 'Abs')],
  ['ReduceSumSquare', reduce('Sum', 'Square')],
  ['ReduceLogSumExp', reduce('Sum', 'Exp', 'Log')],
  ['GlobalAveragePool', (ec, n, ins, base) => [reduceOver(ec, n, ins[0]!, base, 'Mean', spatialAxes(n))]],
  ['GlobalMaxPool', (ec, n, ins, base) => [reduceOver(ec, n, ins[0]!, base, 'Max', spatialAxes(n))]],
  ['ArgMax', argReduce('ArgMax')],
  ['ArgMin', argReduce('ArgMin')],
  ['CumSum', cumsum],
];

/** Axes 2.. of an NCHW-style input (2 and 3 when the rank is unknown). */
function spatialAxes(n: Node): number[] {
  const r = rankOf(n.input(0)) ?? 4;
  return Array.from({ length: r - 2 }, (_, i) => i + 2);
}
