// Elementwise math, comparisons, activations and reductions: TFLite builtins whose ONNX op
// computes the same function element by element (layout does not matter to them).
import { attr, type Node, type Value } from '@enxuto/ir';
import { constInts, quantOf, type LowerContext } from './context.js';
import { activation, binary, constantInput, input, unary, unsupported, type Lowering } from './helpers.js';

const op1 = (ctx: LowerContext, opType: string, x: Value): Value => ctx.op(opType, [x])[0]!;
const op2 = (ctx: LowerContext, opType: string, a: Value, b: Value): Value => ctx.op(opType, [a, b])[0]!;

/** Reductions that add up their input: float32 sums of many values drift by more than a step. */
const SUMS = new Set(['ReduceMean', 'ReduceSum']);

function reduce(opType: string): Lowering {
  return (ctx, n) => {
    const axes = ctx.int64('axes', constantInput(n, 1, 'axes'));
    const keep = attr.int(n.getInt('keep_dims', 0));
    const x = input(ctx, n, 0);
    const q = n.inputs[0] ? quantOf(n.inputs[0]) : undefined;
    if (!SUMS.has(opType) || q === undefined) return [ctx.op(opType, [x, axes], { keepdims: keep })[0]!];
    // A quantized sum is exact in TFLite (int32 accumulation). Summed in float32 over a large
    // image (112x112 in efficientnet's first squeeze-excite), the mean drifted across a rounding
    // boundary; double keeps the lowered model on TFLite's integer result.
    const wide = ctx.op('Cast', [x], { to: attr.int(11) })[0]!;
    const r = ctx.op(opType, [wide, axes], { keepdims: keep })[0]!;
    return [ctx.op('Cast', [r], { to: attr.int(1) })[0]!];
  };
}

/** x - floor(x / y) * y: the sign of the result follows y, as TF's floor_mod does. */
function floorMod(ctx: LowerContext, n: Node): Value[] {
  const [x, y] = [input(ctx, n, 0), input(ctx, n, 1)];
  if (!/^float/.test(n.inputs[0]?.dtype ?? 'float32')) return [ctx.op('Mod', [x, y], { fmod: attr.int(0) })[0]!]; // integer Mod follows the divisor's sign
  const q = op1(ctx, 'Floor', op2(ctx, 'Div', x, y));
  return [op2(ctx, 'Sub', x, op2(ctx, 'Mul', q, y))];
}

function floorDiv(ctx: LowerContext, n: Node): Value[] {
  const [x, y] = [input(ctx, n, 0), input(ctx, n, 1)];
  const dtype = n.inputs[0]?.dtype ?? 'float32';
  if (/^float/.test(dtype)) return [op1(ctx, 'Floor', op2(ctx, 'Div', x, y))];
  // Integers: ONNX Div truncates; go through double and floor.
  const cast = (v: Value) => ctx.op('Cast', [v], { to: attr.int(11) })[0]!;
  const q = op1(ctx, 'Floor', op2(ctx, 'Div', cast(x), cast(y)));
  return [ctx.op('Cast', [q], { to: attr.int(dtype === 'int64' ? 7 : 6) })[0]!];
}

/** TFLite's L2_NORMALIZATION over the last axis: x / max(sqrt(sum x^2), 1e-6). */
function l2Normalization(ctx: LowerContext, n: Node): Value[] {
  const x = input(ctx, n, 0);
  const sumSq = ctx.op('ReduceSumSquare', [x, ctx.int64('axes', [-1])], { keepdims: attr.int(1) })[0]!;
  const norm = op2(ctx, 'Max', op1(ctx, 'Sqrt', sumSq), ctx.float32('epsilon', [1e-6]));
  return [activation(ctx, n, op2(ctx, 'Div', x, norm))];
}

export const MATH_LOWERINGS: Readonly<Record<string, Lowering>> = {
  ABS: unary('Abs'),
  NEG: unary('Neg'),
  EXP: unary('Exp'),
  LOG: unary('Log'),
  SQRT: unary('Sqrt'),
  RSQRT: (ctx, n) => [op1(ctx, 'Reciprocal', op1(ctx, 'Sqrt', input(ctx, n, 0)))],
  SQUARE: (ctx, n) => {
    const x = input(ctx, n, 0);
    return [op2(ctx, 'Mul', x, x)];
  },
  FLOOR: unary('Floor'),
  CEIL: unary('Ceil'),
  ROUND: unary('Round'), // both round half to even
  SIN: unary('Sin'),
  COS: unary('Cos'),
  SIGN: unary('Sign'),
  ELU: unary('Elu', () => ({ alpha: attr.float(1) })),
  HARD_SWISH: unary('HardSwish'),
  GELU: unary('Gelu', (n) => ({ approximate: attr.string(n.getInt('approximate', 0) !== 0 ? 'tanh' : 'none') })),
  RELU_N1_TO_1: (ctx, n) => [
    ctx.op('Clip', [input(ctx, n, 0), ctx.float32('minus_one', [-1]), ctx.float32('one', [1])])[0]!,
  ],
  RELU_0_TO_1: (ctx, n) => [ctx.op('Clip', [input(ctx, n, 0), ctx.float32('zero', [0]), ctx.float32('one', [1])])[0]!],
  LOG_SOFTMAX: (ctx, n) => [ctx.op('LogSoftmax', [input(ctx, n, 0)], { axis: attr.int(-1) })[0]!],
  PRELU: binary('PRelu'),
  MINIMUM: binary('Min'),
  MAXIMUM: binary('Max'),
  POW: binary('Pow'),
  SQUARED_DIFFERENCE: (ctx, n) => {
    const d = op2(ctx, 'Sub', input(ctx, n, 0), input(ctx, n, 1));
    return [op2(ctx, 'Mul', d, d)];
  },
  FLOOR_DIV: floorDiv,
  FLOOR_MOD: floorMod,
  ADD_N: (ctx, n) => [
    ctx.op(
      'Sum',
      n.inputs.map((_, i) => input(ctx, n, i)),
    )[0]!,
  ],
  LESS: binary('Less'),
  LESS_EQUAL: binary('LessOrEqual'),
  GREATER: binary('Greater'),
  GREATER_EQUAL: binary('GreaterOrEqual'),
  EQUAL: binary('Equal'),
  NOT_EQUAL: (ctx, n) => [op1(ctx, 'Not', op2(ctx, 'Equal', input(ctx, n, 0), input(ctx, n, 1)))],
  LOGICAL_AND: binary('And'),
  LOGICAL_OR: binary('Or'),
  LOGICAL_NOT: unary('Not'),
  SELECT: (ctx, n) => [ctx.op('Where', [input(ctx, n, 0), input(ctx, n, 1), input(ctx, n, 2)])[0]!],
  SELECT_V2: (ctx, n) => [ctx.op('Where', [input(ctx, n, 0), input(ctx, n, 1), input(ctx, n, 2)])[0]!],
  MEAN: reduce('ReduceMean'),
  SUM: reduce('ReduceSum'),
  REDUCE_MAX: reduce('ReduceMax'),
  REDUCE_MIN: reduce('ReduceMin'),
  REDUCE_PROD: reduce('ReduceProd'),
  REDUCE_ANY: (ctx, n) => {
    // ONNX reduces no bools: any = max over the values as uint8.
    const axes = constantInput(n, 1, 'axes');
    const asInt = ctx.op('Cast', [input(ctx, n, 0)], { to: attr.int(2) })[0]!;
    const r = ctx.op('ReduceMax', [asInt, ctx.int64('axes', axes)], { keepdims: attr.int(n.getInt('keep_dims', 0)) });
    return [ctx.op('Cast', [r[0]!], { to: attr.int(9) })[0]!];
  },
  L2_NORMALIZATION: l2Normalization,
  CUMSUM: (ctx, n) => {
    const axis = constInts(n.inputs[1] ?? null);
    if (axis === undefined) unsupported(n, 'axis must be a constant', 'inputs[1]');
    return [
      ctx.op('CumSum', [input(ctx, n, 0), ctx.int64('axis', axis, [])], {
        exclusive: attr.int(n.getInt('exclusive', 0)),
        reverse: attr.int(n.getInt('reverse', 0)),
      })[0]!,
    ];
  },
};
