// Matrix products, softmax family, reductions and the arithmetic whose ONNX meaning differs from
// TF.js's (integer division truncates, MatMul's 1-D operands, Softmax's opset-dependent axis).
import * as tf from '@tensorflow/tfjs';
import {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
  UnsupportedError,
  type DataType,
} from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { hostInts, hostNumber, normAxis, optionalInput, type OpContext, type OpInputs } from './op-types.js';
import { axesOf, broadcastShapes } from './shape.js';

export function gemm(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const [x, w] = inputs as [tf.Tensor2D, tf.Tensor2D];
  const c = optionalInput(inputs, 2);
  const alpha = a.float('alpha', 1);
  const beta = a.float('beta', 1);
  let y: tf.Tensor = tf.matMul(x, w, a.int('transA', 0) === 1, a.int('transB', 0) === 1);
  if (alpha !== 1) y = y.mul(alpha);
  if (c !== undefined && beta !== 0) y = y.add(beta === 1 ? c : c.mul(beta));
  return y;
}

/** numpy.matmul: 1-D operands gain and lose a unit axis; batch axes broadcast. */
export function matMul(a0: tf.Tensor, b0: tf.Tensor): tf.Tensor {
  const a = a0.rank === 1 ? a0.expandDims(0) : a0;
  const b = b0.rank === 1 ? b0.expandDims(1) : b0;
  let y: tf.Tensor;
  if (b.rank === 2 && a.rank > 2) {
    // [..., M, K] x [K, N]: one big 2-D product.
    const k = a.shape[a.rank - 1]!;
    y = tf.matMul(a.reshape([-1, k]), b).reshape([...a.shape.slice(0, -1), b.shape[1]!]);
  } else {
    // TF.js mis-broadcasts batch axes when both operands need it: broadcast them explicitly.
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.rank - 1]!;
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const flat = (t: tf.Tensor, rows: number, cols: number) => {
      const full = [...batch, rows, cols];
      const lifted = t.reshape([...Array<number>(full.length - t.rank).fill(1), ...t.shape]);
      const same = lifted.shape.every((d, i) => d === full[i]);
      return (same ? lifted : tf.broadcastTo(lifted, full)).reshape([-1, rows, cols]) as tf.Tensor3D;
    };
    y = tf.matMul(flat(a, m, k), flat(b, k, n)).reshape([...batch, m, n]);
  }
  if (a0.rank === 1) y = y.squeeze([y.rank - 2]);
  if (b0.rank === 1) y = y.squeeze([y.rank - 1]);
  return y;
}

/** Softmax / LogSoftmax / Hardmax: before opset 13 the input is flattened to 2-D at `axis`. */
export function softmaxFamily(x: tf.Tensor, a: OpAttrs, ctx: OpContext, fn: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (ctx.opset < 13) {
    const axis = normAxis(a.int('axis', 1), x.rank);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    return fn(x.reshape([outer, x.size / Math.max(outer, 1)])).reshape(x.shape);
  }
  const axis = normAxis(a.int('axis', -1), x.rank);
  if (axis === x.rank - 1) return fn(x);
  const perm = x.shape.map((_, i) => i);
  [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[axis]!];
  return fn(x.transpose(perm)).transpose(perm);
}

/** ONNX Div: integer division truncates toward zero (TF.js floors). */
export function div(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'int32') return tf.div(a, b);
  const q = tf.div(a.toFloat(), b.toFloat());
  return q.sign().mul(q.abs().floor()).toInt();
}

export function mod(a: tf.Tensor, b: tf.Tensor, attrs: OpAttrs): tf.Tensor {
  if (attrs.int('fmod', 0) === 0) return tf.mod(a, b);
  const q = tf.div(a.toFloat(), b.toFloat());
  const t = q.sign().mul(q.abs().floor());
  return a.toFloat().sub(t.mul(b.toFloat())).cast(a.dtype);
}

export function clip(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const x = inputs[0]!;
  const lo = optionalInput(inputs, 1);
  const hi = optionalInput(inputs, 2);
  let y = x;
  const min = lo !== undefined ? lo : a.has('min') ? a.float('min', 0) : undefined;
  const max = hi !== undefined ? hi : a.has('max') ? a.float('max', 0) : undefined;
  const scalar = (v: tf.Tensor | number | undefined, none: number) =>
    v === undefined ? none : typeof v === 'number' ? v : v.size === 1 ? hostNumber(v) : undefined;
  const [low, high] = [scalar(min, -Infinity), scalar(max, Infinity)];
  // One fused kernel (XNNPACK clamp on wasm) instead of two broadcast comparisons.
  if (x.dtype === 'float32' && low !== undefined && high !== undefined && low <= high) {
    return tf.clipByValue(x, low, high);
  }
  if (min !== undefined) y = tf.maximum(y, typeof min === 'number' ? tf.scalar(min, x.dtype) : min);
  if (max !== undefined) y = tf.minimum(y, typeof max === 'number' ? tf.scalar(max, x.dtype) : max);
  return y;
}

type Reducer = (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor;

export const reducers: Record<string, Reducer> = {
  ReduceSum: (x, ax, k) => x.sum(ax, k),
  ReduceMean: (x, ax, k) => x.mean(ax, k),
  ReduceMax: (x, ax, k) => x.max(ax, k),
  ReduceMin: (x, ax, k) => x.min(ax, k),
  ReduceProd: (x, ax, k) => x.prod(ax, k),
  ReduceL1: (x, ax, k) => x.abs().sum(ax, k),
  ReduceL2: (x, ax, k) => x.square().sum(ax, k).sqrt(),
  ReduceSumSquare: (x, ax, k) => x.square().sum(ax, k),
  ReduceLogSum: (x, ax, k) => x.sum(ax, k).log(),
  ReduceLogSumExp: (x, ax, k) => x.logSumExp(ax, k),
};

const EMPTY_REDUCTION: Record<string, number> = {
  ReduceSum: 0,
  ReduceL1: 0,
  ReduceL2: 0,
  ReduceSumSquare: 0,
  ReduceProd: 1,
  ReduceMax: -Infinity,
  ReduceMin: Infinity,
  ReduceLogSum: -Infinity,
  ReduceLogSumExp: -Infinity,
};

export function reduce(op: string, inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const x = inputs[0]!;
  const axes = axesOf(inputs, 1, a);
  const keep = a.int('keepdims', 1) === 1;
  if ((axes === undefined || axes.length === 0) && a.int('noop_with_empty_axes', 0) === 1) return x;
  const all = x.shape.map((_, i) => i);
  const ax = axes === undefined || axes.length === 0 ? all : axes.map((v) => normAxis(v, x.rank));
  if (ax.some((i) => x.shape[i] === 0)) {
    // Reducing nothing gives the reduction's identity (0 for sums, 1 for Prod, -inf for Max...).
    const shape = keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
    return tf.fill(shape, EMPTY_REDUCTION[op] ?? Number.NaN, x.dtype);
  }
  return reducers[op]!(x, ax, keep);
}

export function argExtreme(x: tf.Tensor, a: OpAttrs, which: 'max' | 'min'): tf.Tensor {
  const axis = normAxis(a.int('axis', 0), x.rank);
  const last = a.int('select_last_index', 0) === 1;
  const src = last ? tf.reverse(x, axis) : x;
  let idx: tf.Tensor = which === 'max' ? tf.argMax(src, axis) : tf.argMin(src, axis);
  if (last) idx = tf.scalar(x.shape[axis]! - 1, 'int32').sub(idx);
  return a.int('keepdims', 1) === 1 ? idx.expandDims(axis) : idx;
}

/** ONNX TensorProto.DataType codes -> the TF.js dtype they compute in. */
export function castTarget(to: number): 'float32' | 'int32' | 'bool' {
  if (to === 1 || to === 10 || to === 11 || to === 16) return 'float32';
  if (to === 9) return 'bool';
  if ([2, 3, 4, 5, 6, 7, 12, 13].includes(to)) return 'int32';
  throw new UnsupportedError(`Cast to ONNX type ${to}`, { code: 'train/cast', field: 'to' });
}

/** Rounds float32 values to the nearest float16/bfloat16 (the gradient passes straight through). */
function roundToHalf(x: tf.Tensor, to: 10 | 16): tf.Tensor {
  const [encode, decode] = to === 10 ? [float32ToFloat16, float16ToFloat32] : [float32ToBfloat16, bfloat16ToFloat32];
  const round = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor;
    const out = Float32Array.from(t.dataSync() as Float32Array, (v) => decode(encode(v)));
    return { value: tf.tensor(out, t.shape, 'float32'), gradFunc: (dy: tf.Tensor) => dy };
  });
  return round(x);
}

export function cast(x: tf.Tensor, to: number): tf.Tensor {
  const target = castTarget(to);
  if ((to === 10 || to === 16) && x.dtype === 'float32') return roundToHalf(x, to);
  if (target === 'int32' && x.dtype === 'float32') {
    // ONNX truncates toward zero.
    return x.sign().mul(x.abs().floor()).toInt();
  }
  return x.dtype === target ? x : x.cast(target);
}

const ONNX_TYPE_CODES: Partial<Record<DataType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
};

/** CastLike: cast to the declared element type of the second input. */
export function castLike(x: tf.Tensor, like: tf.Tensor, likeType: DataType | undefined): tf.Tensor {
  const code = likeType === undefined ? ONNX_TYPE_CODES[like.dtype as DataType] : ONNX_TYPE_CODES[likeType];
  if (code === undefined) {
    throw new UnsupportedError(`CastLike to ${likeType}`, { code: 'train/cast', field: 'target_type' });
  }
  return cast(x, code);
}

export function range(start: tf.Tensor, limit: tf.Tensor, delta: tf.Tensor): tf.Tensor {
  const [s, l, d] = [start, limit, delta].map((t) => Number(t.dataSync()[0]));
  const n = Math.max(Math.ceil((l! - s!) / d!), 0);
  const values = Array.from({ length: n }, (_, i) => s! + i * d!);
  return tf.tensor1d(values, start.dtype === 'int32' ? 'int32' : 'float32');
}

export function tile(x: tf.Tensor, repeats: tf.Tensor): tf.Tensor {
  return tf.tile(x, hostInts(repeats));
}
