// Element-wise TF math, comparisons, logic, casts and reductions -> ONNX.
import { attr } from '@enxuto/ir';
import { onnxTypeCode } from '../dtypes.js';
import { attrBool, attrFloat, type TfNode } from '../graphdef.js';
import { activation, alias, binary, constAxis, runType, type TfImporter, unary } from './common.js';
import type { ImportContext } from './context.js';

const isIntType = (ctx: ImportContext, n: TfNode): boolean => {
  const t = runType(n, 'T', ctx.input(n, 0).dtype ?? 'float32');
  return t === 'int32' || t === 'int64';
};

/** Integer floor division is exact as (a - floormod(a, b)) / b; floats floor their quotient. */
const floorDiv: TfImporter = (ctx, n) => {
  const [a, b] = [ctx.input(n, 0), ctx.input(n, 1)];
  if (!isIntType(ctx, n)) return ctx.op('Floor', [ctx.op('Div', [a, b], {}, n.name)], {}, n.name);
  const m = ctx.op('Mod', [a, b], { fmod: attr.int(0) }, n.name);
  return ctx.op('Div', [ctx.op('Sub', [a, m], {}, n.name), b], {}, n.name);
};

/** TF's FloorMod takes the divisor's sign: ONNX Mod(fmod=0) for integers, a - floor(a/b)*b for floats. */
const floorMod: TfImporter = (ctx, n) => {
  const [a, b] = [ctx.input(n, 0), ctx.input(n, 1)];
  if (isIntType(ctx, n)) return ctx.op('Mod', [a, b], { fmod: attr.int(0) }, n.name);
  const q = ctx.op('Floor', [ctx.op('Div', [a, b], {}, n.name)], {}, n.name);
  return ctx.op('Sub', [a, ctx.op('Mul', [q, b], {}, n.name)], {}, n.name);
};

const divNoNan: TfImporter = (ctx, n) => {
  const [a, b] = [ctx.input(n, 0), ctx.input(n, 1)];
  const t = runType(n, 'T', 'float32');
  const zero = ctx.scalar(`${n.name}/zero`, t, 0);
  return ctx.op('Where', [ctx.op('Equal', [b, zero], {}, n.name), zero, ctx.op('Div', [a, b], {}, n.name)], {}, n.name);
};

const cast: TfImporter = (ctx, n) => {
  const x = ctx.input(n, 0);
  const to = runType(n, 'DstT', 'float32');
  if (x.dtype === to) return ctx.op('Identity', [x], {}, n.name);
  // TF.js casts bool to numbers as 0/1 and numbers to bool as != 0, as ONNX's Cast does.
  const out = ctx.op('Cast', [x], { to: attr.int(onnxTypeCode(to)) }, n.name);
  return ctx.typed(out, to);
};

/** Reductions: axes may be computed at run time (ONNX 18 takes them as an input). */
function reduce(op: string): TfImporter {
  return (ctx, n) => {
    const axes = ctx.int64Of(ctx.input(n, 1), n, `${n.name}/axes`);
    const keepdims = attr.int(attrBool(n, 'keep_dims', false) ? 1 : 0);
    return ctx.op(op, [ctx.input(n, 0), axes], { keepdims }, n.name);
  };
}

/** All/Any over bools: ONNX reduces numbers only, so through int32 and back. */
function reduceBool(op: 'ReduceMin' | 'ReduceMax'): TfImporter {
  return (ctx, n) => {
    const x = ctx.cast(ctx.input(n, 0), 'int32', `${n.name}/as_int`);
    const axes = ctx.int64Of(ctx.input(n, 1), n, `${n.name}/axes`);
    const keepdims = attr.int(attrBool(n, 'keep_dims', false) ? 1 : 0);
    return ctx.cast(ctx.op(op, [x, axes], { keepdims }, n.name), 'bool', n.name);
  };
}

function argReduce(op: 'ArgMax' | 'ArgMin'): TfImporter {
  return (ctx, n) => {
    const axis = constAxis(ctx, n, 1, 'dimension');
    const y = ctx.op(op, [ctx.input(n, 0)], { axis: attr.int(axis), keepdims: attr.int(0) }, n.name);
    return ctx.cast(ctx.typed(y, 'int64'), runType(n, 'output_type', 'int32'), n.name);
  };
}

const cumsum: TfImporter = (ctx, n) =>
  ctx.op(
    'CumSum',
    [ctx.input(n, 0), ctx.int64Of(ctx.input(n, 1), n, `${n.name}/axis`)],
    {
      exclusive: attr.int(attrBool(n, 'exclusive', false) ? 1 : 0),
      reverse: attr.int(attrBool(n, 'reverse', false) ? 1 : 0),
    },
    n.name,
  );

const compare =
  (op: string, negate = false): TfImporter =>
  (ctx, n) => {
    const y = ctx.typed(ctx.op(op, [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name), 'bool');
    return negate ? ctx.typed(ctx.op('Not', [y], {}, n.name), 'bool') : y;
  };

const finite: TfImporter = (ctx, n) => {
  const x = ctx.input(n, 0);
  const bad = ctx.op('Or', [ctx.op('IsNaN', [x], {}, n.name), ctx.op('IsInf', [x], {}, n.name)], {}, n.name);
  return ctx.typed(ctx.op('Not', [bad], {}, n.name), 'bool');
};

function plusOne(op: 'Log1p' | 'Expm1'): TfImporter {
  return (ctx, n) => {
    const one = ctx.floatScalar(`${n.name}/one`, 1);
    const x = ctx.input(n, 0);
    return op === 'Log1p'
      ? ctx.op('Log', [ctx.op('Add', [x, one], {}, n.name)], {}, n.name)
      : ctx.op('Sub', [ctx.op('Exp', [x], {}, n.name), one], {}, n.name);
  };
}

const addN: TfImporter = (ctx, n) => {
  const xs = ctx.inputs(n);
  if (xs.length === 0) throw ctx.unsupported(n, 'needs inputs', 'input');
  return xs.length === 1 ? ctx.op('Identity', xs, {}, n.name) : ctx.op('Sum', xs, {}, n.name);
};

const same = (op: string): [string, TfImporter] => [op, unary(op)];

export const MATH_IMPORTERS: [string, TfImporter][] = [
  ['Identity', alias],
  ['StopGradient', alias],
  ['Snapshot', alias],
  ['PreventGradient', alias],
  ['EnsureShape', alias],
  ['Print', alias],
  ['Add', binary('Add')],
  ['AddV2', binary('Add')],
  ['AddN', addN],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['RealDiv', binary('Div')],
  ['Div', binary('Div')],
  ['DivNoNan', divNoNan],
  ['FloorDiv', floorDiv],
  ['FloorMod', floorMod],
  ['Mod', (ctx, n) => ctx.op('Mod', [ctx.input(n, 0), ctx.input(n, 1)], { fmod: attr.int(1) }, n.name)],
  ['Maximum', binary('Max')],
  ['Minimum', binary('Min')],
  ['Pow', binary('Pow')],
  ['Prelu', binary('PRelu')],
  [
    'SquaredDifference',
    (ctx, n) => {
      const d = ctx.op('Sub', [ctx.input(n, 0), ctx.input(n, 1)], {}, n.name);
      return ctx.op('Mul', [d, d], {}, n.name);
    },
  ],
  ...[
    'Relu',
    'Elu',
    'Selu',
    'Sigmoid',
    'Tanh',
    'Exp',
    'Log',
    'Sqrt',
    'Neg',
    'Abs',
    'Floor',
    'Ceil',
    'Reciprocal',
    'Softplus',
    'Erf',
    'Sign',
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
  ].map(same),
  // TF rounds half to even, as ONNX's Round does.
  ['Round', unary('Round')],
  ['Inv', unary('Reciprocal')],
  ['IsNan', (ctx, n) => ctx.typed(ctx.op('IsNaN', [ctx.input(n, 0)], {}, n.name), 'bool')],
  ['IsInf', (ctx, n) => ctx.typed(ctx.op('IsInf', [ctx.input(n, 0)], {}, n.name), 'bool')],
  ['IsFinite', finite],
  ['Log1p', plusOne('Log1p')],
  ['Expm1', plusOne('Expm1')],
  ['Rsqrt', (ctx, n) => ctx.op('Reciprocal', [ctx.op('Sqrt', [ctx.input(n, 0)], {}, n.name)], {}, n.name)],
  ['Square', (ctx, n) => ctx.op('Mul', [ctx.input(n, 0), ctx.input(n, 0)], {}, n.name)],
  ['Relu6', (ctx, n) => activation(ctx, n, 'Relu6', ctx.input(n, 0), undefined)],
  [
    'LeakyRelu',
    (ctx, n) => ctx.op('LeakyRelu', [ctx.input(n, 0)], { alpha: attr.float(attrFloat(n, 'alpha', 0.2)) }, n.name),
  ],
  ['ClipByValue', (ctx, n) => ctx.op('Clip', [ctx.input(n, 0), ctx.input(n, 1), ctx.input(n, 2)], {}, n.name)],
  ['Cast', cast],
  ['Mean', reduce('ReduceMean')],
  ['Sum', reduce('ReduceSum')],
  ['Max', reduce('ReduceMax')],
  ['Min', reduce('ReduceMin')],
  ['Prod', reduce('ReduceProd')],
  ['EuclideanNorm', reduce('ReduceL2')],
  ['All', reduceBool('ReduceMin')],
  ['Any', reduceBool('ReduceMax')],
  ['ArgMax', argReduce('ArgMax')],
  ['ArgMin', argReduce('ArgMin')],
  ['Cumsum', cumsum],
  ['Equal', compare('Equal')],
  ['NotEqual', compare('Equal', true)],
  ['Less', compare('Less')],
  ['LessEqual', compare('LessOrEqual')],
  ['Greater', compare('Greater')],
  ['GreaterEqual', compare('GreaterOrEqual')],
  ['LogicalAnd', compare('And')],
  ['LogicalOr', compare('Or')],
  ['LogicalNot', (ctx, n) => ctx.typed(ctx.op('Not', [ctx.input(n, 0)], {}, n.name), 'bool')],
];
