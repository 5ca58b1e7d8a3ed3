// The op table: ONNX op type (default domain) -> a small function on TF.js tensors. An op missing
// here is an UnsupportedError naming it (see lookupOp).
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@enxuto/ir';
import { toTf } from '../convert.js';
import { conv, convTranspose } from './conv.js';
import { gather, pad, slice } from './indexing.js';
import {
  argExtreme,
  cast,
  castLike,
  castTarget,
  clip,
  div,
  gemm,
  matMul,
  mod,
  range,
  reduce,
  reducers,
  softmaxFamily,
  tile,
} from './math.js';
import {
  batchNormalization,
  groupNormalization,
  instanceNormalization,
  layerNormalization,
  lpNormalization,
  lrn,
  meanVarianceNormalization,
  rmsNormalization,
} from './normalization.js';
import { dequantizeLinear, quantizeLinear } from './quantize.js';
import { resize } from './resize.js';
import { cumSum, depthToSpace, eyeLike, gatherElements, oneHot, spaceToDepth, topK, trilu } from './tensor-extra.js';
import type { OpAttrs } from './op-attrs.js';
import { hostInts, hostNumber, optionalInput, type OpContext, type OpFn, type OpInputs } from './op-types.js';
import { averagePool, globalPool, maxPool } from './pool.js';
import { expand, flatten, reshape, shapeOf, split, squeeze, unsqueeze } from './shape.js';

const unary =
  (f: (x: tf.Tensor) => tf.Tensor): OpFn =>
  ([x]) => [f(x!)];
const binary =
  (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpFn =>
  ([a, b]) => [f(a!, b!)];
const variadic =
  (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpFn =>
  (xs) => [xs.reduce((acc, x) => f(acc, x))];

function dropout(inputs: OpInputs, a: OpAttrs, ctx: OpContext): tf.Tensor[] {
  const x = inputs[0]!;
  const ratioT = optionalInput(inputs, 1);
  const modeT = optionalInput(inputs, 2);
  const ratio = ratioT ? hostNumber(ratioT) : a.float('ratio', 0.5);
  const active = ctx.training || (modeT !== undefined && hostNumber(modeT) !== 0);
  if (!active || ratio === 0) return [x, tf.onesLike(x).cast('bool')];
  const keep = tf.randomUniform(x.shape, 0, 1, 'float32', ctx.nextSeed()).greaterEqual(ratio);
  return [x.mul(keep.toFloat()).div(1 - ratio), keep];
}

function constant(a: OpAttrs, node: string): tf.Tensor {
  const t = a.tensor('value');
  if (t !== undefined) return toTf(t, { node });
  if (a.has('value_float')) return tf.scalar(a.float('value_float', 0), 'float32');
  if (a.has('value_floats')) return tf.tensor1d(a.floats('value_floats') ?? [], 'float32');
  if (a.has('value_int')) return tf.scalar(a.int('value_int', 0), 'int32');
  if (a.has('value_ints')) return tf.tensor1d(a.ints('value_ints', []), 'int32');
  throw new UnsupportedError('Constant without a numeric value attribute', { code: 'train/constant', node });
}

function constantOfShape(shape: tf.Tensor, a: OpAttrs, node: string): tf.Tensor {
  const dims = hostInts(shape);
  const t = a.tensor('value');
  if (t === undefined) return tf.zeros(dims, 'float32');
  const v = toTf(t, { node });
  return tf.fill(dims, v.dataSync()[0] as number, v.dtype);
}

function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(x.greater(0), x, x.exp().sub(1).mul(alpha));
}

function hardSigmoid(x: tf.Tensor, alpha: number, beta: number): tf.Tensor {
  return x.mul(alpha).add(beta).clipByValue(0, 1);
}

function celu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.relu(x).add(tf.minimum(0, x.div(alpha).exp().sub(1).mul(alpha)));
}

function shrink(x: tf.Tensor, bias: number, lambd: number): tf.Tensor {
  return tf.where(x.less(-lambd), x.add(bias), tf.where(x.greater(lambd), x.sub(bias), tf.zerosLike(x)));
}

function isInf(x: tf.Tensor, negative: boolean, positive: boolean): tf.Tensor {
  const inf = tf.isInf(x);
  if (negative && positive) return inf;
  if (!negative && !positive) return tf.zerosLike(x).cast('bool');
  return inf.logicalAnd(negative ? x.less(0) : x.greater(0));
}

function gelu(x: tf.Tensor, approximate: string): tf.Tensor {
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.div(Math.SQRT2).erf().add(1));
}

export const OPS: Readonly<Record<string, OpFn>> = {
  // Convolution and pooling (NCHW in, NCHW out).
  Conv: (i, a, c) => [conv(i[0]!, i[1]!, optionalInput(i, 2), a, c.node)],
  ConvTranspose: (i, a, c) => [convTranspose(i[0]!, i[1]!, optionalInput(i, 2), a, c.node)],
  MaxPool: ([x], a, c) => [maxPool(x!, a, c.node)],
  AveragePool: ([x], a, c) => [averagePool(x!, a, c.node)],
  GlobalAveragePool: unary((x) => globalPool(x, 'avg')),
  GlobalMaxPool: unary((x) => globalPool(x, 'max')),
  BatchNormalization: batchNormalization,
  InstanceNormalization: (i, a) => instanceNormalization(i, a),
  LayerNormalization: (i, a) => layerNormalization(i, a),
  GroupNormalization: (i, a) => groupNormalization(i, a),
  RMSNormalization: (i, a) => rmsNormalization(i, a),
  LRN: ([x], a) => [lrn(x!, a)],
  LpNormalization: ([x], a) => [lpNormalization(x!, a)],
  MeanVarianceNormalization: ([x], a) => [meanVarianceNormalization(x!, a)],
  Resize: (i, a, c) => [resize(i, a, c)],
  Upsample: (i, a, c) => [resize(i, a, { ...c, opset: 10 })],

  // Dense algebra.
  Gemm: (i, a) => [gemm(i, a)],
  MatMul: binary(matMul),
  Add: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  Div: binary(div),
  Pow: binary((a, b) => tf.pow(a, b.cast(a.dtype))),
  Mod: ([a, b], attrs) => [mod(a!, b!, attrs)],
  Max: variadic(tf.maximum),
  Min: variadic(tf.minimum),
  Sum: variadic(tf.add),
  Mean: (xs) => [xs.reduce((acc, x) => tf.add(acc, x)).div(xs.length)],

  // Activations.
  Relu: unary(tf.relu),
  LeakyRelu: ([x], a) => [tf.leakyRelu(x!, a.float('alpha', 0.01))],
  PRelu: ([x, slope]) => [tf.where(x!.greater(0), x!, x!.mul(slope!))],
  Sigmoid: unary(tf.sigmoid),
  HardSigmoid: ([x], a) => [hardSigmoid(x!, a.float('alpha', 0.2), a.float('beta', 0.5))],
  HardSwish: unary((x) => x.mul(hardSigmoid(x, 1 / 6, 0.5))),
  Tanh: unary(tf.tanh),
  Elu: ([x], a) => [elu(x!, a.float('alpha', 1))],
  Selu: ([x], a) => [elu(x!, a.float('alpha', 1.6732632)).mul(a.float('gamma', 1.050701))],
  Softplus: unary(tf.softplus),
  Softsign: unary((x) => x.div(x.abs().add(1))),
  Gelu: ([x], a) => [gelu(x!, a.string('approximate', 'none'))],
  Celu: ([x], a) => [celu(x!, a.float('alpha', 1))],
  Mish: unary((x) => x.mul(tf.softplus(x).tanh())),
  Swish: ([x], a) => [x!.mul(tf.sigmoid(x!.mul(a.float('alpha', 1))))],
  ThresholdedRelu: ([x], a) => [tf.where(x!.greater(a.float('alpha', 1)), x!, tf.zerosLike(x!))],
  Shrink: ([x], a) => [shrink(x!, a.float('bias', 0), a.float('lambd', 0.5))],
  Hardmax: ([x], a, c) => [
    softmaxFamily(x!, a, c, (t) =>
      tf
        .oneHot(t.argMax(-1), t.shape[t.rank - 1]!)
        .toFloat()
        .reshape(t.shape),
    ),
  ],
  Softmax: ([x], a, c) => [softmaxFamily(x!, a, c, (t) => tf.softmax(t))],
  LogSoftmax: ([x], a, c) => [softmaxFamily(x!, a, c, (t) => tf.logSoftmax(t))],
  Clip: (i, a) => [clip(i, a)],

  // Element-wise math.
  Abs: unary(tf.abs),
  Neg: unary(tf.neg),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Sqrt: unary(tf.sqrt),
  Reciprocal: unary(tf.reciprocal),
  Floor: unary(tf.floor),
  Ceil: unary(tf.ceil),
  Round: unary(tf.round),
  Sign: unary(tf.sign),
  Erf: unary(tf.erf),
  Sin: unary(tf.sin),
  Cos: unary(tf.cos),
  Tan: unary(tf.tan),
  Asin: unary(tf.asin),
  Acos: unary(tf.acos),
  Atan: unary(tf.atan),
  Sinh: unary(tf.sinh),
  Cosh: unary(tf.cosh),
  Asinh: unary(tf.asinh),
  Acosh: unary(tf.acosh),
  Atanh: unary(tf.atanh),
  IsNaN: unary(tf.isNaN),
  IsInf: ([x], a) => [isInf(x!, a.int('detect_negative', 1) === 1, a.int('detect_positive', 1) === 1)],
  Equal: binary(tf.equal),
  Less: binary(tf.less),
  LessOrEqual: binary(tf.lessEqual),
  Greater: binary(tf.greater),
  GreaterOrEqual: binary(tf.greaterEqual),
  And: binary(tf.logicalAnd),
  Or: binary(tf.logicalOr),
  Xor: binary(tf.logicalXor),
  Not: unary(tf.logicalNot),
  Where: ([c, a, b]) => [tf.where(c!, a!, b!)],
  Cast: ([x], a) => [cast(x!, a.int('to', 1))],
  CastLike: ([x, like], _a, c) => [castLike(x!, like!, c.inputTypes?.[1])],
  QuantizeLinear: (i, a, c) => [quantizeLinear(i, a, c)],
  DequantizeLinear: (i, a) => [dequantizeLinear(i, a)],
  ...Object.fromEntries(Object.keys(reducers).map((op): [string, OpFn] => [op, (i, a) => [reduce(op, i, a)]])),
  ArgMax: ([x], a) => [argExtreme(x!, a, 'max')],
  ArgMin: ([x], a) => [argExtreme(x!, a, 'min')],

  // Shapes and indexing.
  Reshape: ([x, s], a, c) => [reshape(x!, s!, a, c)],
  Flatten: ([x], a) => [flatten(x!, a)],
  Transpose: ([x], a) => [x!.transpose(a.ints('perm'))],
  Concat: (xs, a) => [tf.concat([...xs], a.int('axis', 0))],
  Squeeze: (i, a) => [squeeze(i, a)],
  Unsqueeze: (i, a) => [unsqueeze(i, a)],
  Split: (i, a, c) => split(i, a, c),
  Gather: ([x, idx], a) => [gather(x!, idx!, a)],
  Slice: (i, a, c) => [slice(i, a, c.node)],
  Pad: (i, a, c) => [pad(i, a, c.node)],
  Expand: ([x, s]) => [expand(x!, s!)],
  Tile: ([x, r]) => [tile(x!, r!)],
  Shape: ([x], a) => [shapeOf(x!, a)],
  Size: ([x]) => [tf.scalar(x!.size, 'int32')],
  ConstantOfShape: ([s], a, c) => [constantOfShape(s!, a, c.node)],
  Range: ([s, l, d]) => [range(s!, l!, d!)],
  GatherElements: ([x, idx], a) => [gatherElements(x!, idx!, a)],
  Trilu: (i, a) => [trilu(i, a)],
  OneHot: (i, a) => [oneHot(i, a)],
  TopK: (i, a) => topK(i, a),
  CumSum: ([x, axis], a) => [cumSum(x!, axis!, a)],
  DepthToSpace: ([x], a) => [depthToSpace(x!, a)],
  SpaceToDepth: ([x], a) => [spaceToDepth(x!, a)],
  EyeLike: ([x], a) => [
    eyeLike(x!, a, a.has('dtype') ? castTarget(a.int('dtype', 1)) : (x!.dtype as 'float32' | 'int32' | 'bool')),
  ],

  // Plumbing.
  Identity: ([x]) => [x!],
  Dropout: dropout,
  Constant: (_i, a, c) => [constant(a, c.node)],
};

/** The implementation of an ONNX op; UnsupportedError naming the op when there is none. */
export function lookupOp(opType: string, domain = '', node = ''): OpFn {
  const d = domain === 'ai.onnx' ? '' : domain;
  const fn = d === '' && Object.hasOwn(OPS, opType) ? OPS[opType] : undefined;
  if (fn === undefined) {
    const name = d === '' ? opType : `${d}.${opType}`;
    throw new UnsupportedError(`op ${name} is not supported by the TF.js training runtime`, {
      code: 'train/unsupported-op',
      node: node || name,
      field: 'op_type',
    });
  }
  return fn;
}
