// Gather (negative indices), Slice (attributes or inputs, negative and INT64_MAX bounds, negative
// steps) and Pad (constant, reflect, edge, wrap; negative pads crop).
import * as tf from '@tensorflow/tfjs';
import { CheckError, UnsupportedError } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { hostInts, hostNumber, normAxis, optionalInput, type OpInputs } from './op-types.js';

export function gather(x: tf.Tensor, indices: tf.Tensor, a: OpAttrs): tf.Tensor {
  const axis = normAxis(a.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const idx = indices.toInt();
  const wrapped = tf.where(idx.less(0), idx.add(tf.scalar(dim, 'int32')), idx);
  return tf.gather(x, wrapped, axis);
}

interface SliceAxis {
  axis: number;
  start: number;
  end: number;
  step: number;
}

/** ONNX Slice bounds for one axis: negatives count from the end, then clamp per step sign. */
export function sliceBounds(dim: number, start: number, end: number, step: number): { start: number; end: number } {
  const s = start < 0 ? start + dim : start;
  const e = end < 0 ? end + dim : end;
  if (step > 0) return { start: clamp(s, 0, dim), end: clamp(e, 0, dim) };
  return { start: clamp(s, 0, dim - 1), end: clamp(e, -1, dim - 1) };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function slice(inputs: OpInputs, a: OpAttrs, node: string): tf.Tensor {
  let x = inputs[0]!;
  const fromInputs = inputs.length > 1;
  const starts = fromInputs ? hostInts(inputs[1]!) : a.ints('starts', []);
  const ends = fromInputs ? hostInts(inputs[2]!) : a.ints('ends', []);
  const axesT = fromInputs ? optionalInput(inputs, 3) : undefined;
  const axes = fromInputs ? (axesT ? hostInts(axesT) : undefined) : a.ints('axes');
  const stepsT = fromInputs ? optionalInput(inputs, 4) : undefined;
  const steps = stepsT ? hostInts(stepsT) : undefined;
  const specs: SliceAxis[] = starts.map((start, i) => ({
    axis: normAxis(axes?.[i] ?? i, x.rank),
    start,
    end: ends[i] ?? 0,
    step: steps?.[i] ?? 1,
  }));
  const begin = Array<number>(x.rank).fill(0);
  const size = [...x.shape];
  const stride = Array<number>(x.rank).fill(1);
  for (const sp of specs) {
    if (sp.step === 0) throw new CheckError('Slice step 0', { code: 'train/slice-step', node, field: 'steps' });
    const dim = x.shape[sp.axis]!;
    let { start, end } = sliceBounds(dim, sp.start, sp.end, sp.step);
    let step = sp.step;
    if (step < 0) {
      // Walk a reversed copy forwards: index i of x is index dim-1-i of the reversed tensor.
      x = tf.reverse(x, sp.axis);
      [start, end, step] = [dim - 1 - start, dim - 1 - end, -step];
    }
    begin[sp.axis] = start;
    size[sp.axis] = Math.max(0, Math.ceil((end - start) / step));
    stride[sp.axis] = step;
  }
  if (stride.every((s) => s === 1)) return tf.slice(x, begin, size);
  const stop = begin.map((b, i) => b + (size[i]! - 1) * stride[i]! + 1);
  if (size.some((s) => s === 0)) return tf.zeros(size, x.dtype);
  return tf.stridedSlice(x, begin, stop, stride);
}

/** Source index along an axis for each output position of a non-constant pad. */
function padIndex(mode: string, dim: number, before: number, after: number, node: string): number[] {
  const out: number[] = [];
  for (let i = -before; i < dim + after; i++) {
    if (mode === 'edge') out.push(clamp(i, 0, dim - 1));
    else if (mode === 'wrap') out.push(((i % dim) + dim) % dim);
    else {
      if (dim === 1) {
        out.push(0);
        continue;
      }
      const period = 2 * (dim - 1);
      const m = ((i % period) + period) % period;
      out.push(m < dim ? m : period - m);
    }
  }
  if (mode !== 'edge' && mode !== 'wrap' && mode !== 'reflect') {
    throw new UnsupportedError(`Pad mode ${mode}`, { code: 'train/pad-mode', node, field: 'mode' });
  }
  return out;
}

export function pad(inputs: OpInputs, a: OpAttrs, node: string): tf.Tensor {
  let x = inputs[0]!;
  const mode = a.string('mode', 'constant');
  const fromInputs = inputs.length > 1;
  const padsRaw = fromInputs ? hostInts(inputs[1]!) : a.ints('pads', a.ints('paddings', []));
  const valueT = fromInputs ? optionalInput(inputs, 2) : undefined;
  const value = valueT ? hostNumber(valueT) : a.float('value', 0);
  const axesT = fromInputs ? optionalInput(inputs, 3) : undefined;
  const axes = axesT ? hostInts(axesT).map((v) => normAxis(v, x.rank)) : x.shape.map((_, i) => i);
  if (padsRaw.length !== 2 * axes.length) {
    throw new CheckError(`pads has ${padsRaw.length} entries for ${axes.length} axes`, {
      code: 'train/bad-pads',
      node,
      field: 'pads',
    });
  }
  const before = Array<number>(x.rank).fill(0);
  const after = Array<number>(x.rank).fill(0);
  axes.forEach((ax, i) => {
    before[ax] = padsRaw[i]!;
    after[ax] = padsRaw[i + axes.length]!;
  });
  // Negative pads crop.
  if (before.some((p) => p < 0) || after.some((p) => p < 0)) {
    const b = before.map((p) => Math.max(0, -p));
    const s = x.shape.map((d, i) => d - b[i]! - Math.max(0, -after[i]!));
    x = tf.slice(x, b, s);
  }
  const pb = before.map((p) => Math.max(0, p));
  const pa = after.map((p) => Math.max(0, p));
  if (mode === 'constant') {
    if (x.dtype === 'bool')
      return tf
        .pad(
          x.toInt(),
          pb.map((p, i) => [p, pa[i]!]),
          value,
        )
        .cast('bool');
    return tf.pad(
      x,
      pb.map((p, i) => [p, pa[i]!] as [number, number]),
      value,
    );
  }
  for (let ax = 0; ax < x.rank; ax++) {
    if (pb[ax] === 0 && pa[ax] === 0) continue;
    const idx = padIndex(mode, x.shape[ax]!, pb[ax]!, pa[ax]!, node);
    x = tf.gather(x, tf.tensor1d(idx, 'int32'), ax);
  }
  return x;
}
