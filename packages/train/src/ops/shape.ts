// Shape-only ops with ONNX conventions: Reshape's 0 and -1, Flatten's axis, Squeeze/Unsqueeze
// axes from the attribute (opset < 13) or the second input (>= 13), Split, Expand.
import * as tf from '@tensorflow/tfjs';
import { CheckError } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { hostInts, normAxis, optionalInput, type OpContext, type OpInputs } from './op-types.js';

export function reshape(
  x: tf.Tensor,
  shape: tf.Tensor,
  a: OpAttrs,
  ctx: Pick<OpContext, 'node' | 'batchFromInput'>,
): tf.Tensor {
  const node = ctx.node;
  const allowZero = a.int('allowzero', 0) === 1;
  const spec = hostInts(shape).map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  const batch = x.shape[0] ?? 1;
  if (ctx.batchFromInput && spec[0] === 1 && batch !== 1 && x.size % batch === 0) spec[0] = batch;
  const known = spec.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const infer = spec.filter((d) => d === -1).length;
  if (infer > 1 || (infer === 0 && known !== x.size) || (infer === 1 && (known === 0 || x.size % known !== 0))) {
    throw new CheckError(`cannot reshape [${x.shape.join(',')}] to [${spec.join(',')}]`, {
      code: 'train/bad-reshape',
      node,
    });
  }
  return x.reshape(spec.map((d) => (d === -1 ? x.size / known : d)));
}

export function flatten(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const axis = normAxis(a.int('axis', 1), x.rank);
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  return x.reshape([outer, outer === 0 ? 0 : x.size / outer]);
}

/** Axes from the attribute when present, else from the optional input `index`. */
export function axesOf(inputs: OpInputs, index: number, a: OpAttrs, name = 'axes'): number[] | undefined {
  const fromAttr = a.ints(name);
  if (fromAttr !== undefined) return fromAttr;
  const t = optionalInput(inputs, index);
  return t === undefined ? undefined : hostInts(t);
}

export function squeeze(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const x = inputs[0]!;
  const axes = axesOf(inputs, 1, a);
  if (axes === undefined || axes.length === 0) return x.reshape(x.shape.filter((d) => d !== 1));
  const drop = new Set(axes.map((v) => normAxis(v, x.rank)));
  return x.reshape(x.shape.filter((_, i) => !drop.has(i)));
}

export function unsqueeze(inputs: OpInputs, a: OpAttrs): tf.Tensor {
  const x = inputs[0]!;
  const axes = axesOf(inputs, 1, a) ?? [];
  const rank = x.rank + axes.length;
  const insert = new Set(axes.map((v) => normAxis(v, rank)));
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(insert.has(i) ? 1 : x.shape[j++]!);
  return x.reshape(shape);
}

export function split(inputs: OpInputs, a: OpAttrs, ctx: OpContext): tf.Tensor[] {
  const x = inputs[0]!;
  const axis = normAxis(a.int('axis', 0), x.rank);
  const sizes = axesOf(inputs, 1, a, 'split');
  if (sizes !== undefined && sizes.length > 0) return tf.split(x, sizes, axis);
  const parts = a.int('num_outputs', ctx.outputs);
  const dim = x.shape[axis]!;
  // ONNX: equal parts, the last one smaller when the axis does not divide evenly.
  const chunk = Math.ceil(dim / parts);
  const lens = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  return tf.split(x, lens, axis);
}

/** Numpy broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function expand(x: tf.Tensor, shape: tf.Tensor): tf.Tensor {
  const target = broadcastShapes(x.shape, hostInts(shape));
  const lifted = x.reshape([...Array<number>(target.length - x.rank).fill(1), ...x.shape]);
  return tf.broadcastTo(lifted, target);
}

export function shapeOf(x: tf.Tensor, a: OpAttrs): tf.Tensor {
  const clamp = (v: number) => Math.min(Math.max(normAxis(v, x.rank), 0), x.rank);
  const start = clamp(a.int('start', 0));
  const end = clamp(a.int('end', x.rank));
  return tf.tensor1d(x.shape.slice(start, Math.max(start, end)), 'int32');
}
