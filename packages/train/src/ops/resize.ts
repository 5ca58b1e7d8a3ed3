// ONNX Resize / Upsample as separable resampling: for each axis that changes, output position i
// reads a few input positions with weights (nearest: 1 tap, linear: 2, cubic: 4), computed on the
// host from the coordinate transformation mode. Every mode and rank works the same way, and
// gradients flow through the gathers.
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@enxuto/ir';
import type { OpAttrs } from './op-attrs.js';
import { normAxis, optionalInput, type OpContext, type OpInputs } from './op-types.js';

interface AxisPlan {
  /** For each tap: source index per output position. */
  index: Int32Array[];
  /** For each tap: weight per output position. */
  weight: Float32Array[];
  /** Output positions that fall outside the input (tf_crop_and_resize) and get the extrapolation value. */
  outside?: Uint8Array;
}

interface AxisSpec {
  inSize: number;
  outSize: number;
  /** in * scale before flooring: align_corners and crop-and-resize divide by it (as the reference does). */
  outExact: number;
  scale: number;
  roiStart: number;
  roiEnd: number;
}

function sourceCoordinate(mode: string, i: number, s: AxisSpec, node: string): number {
  const { inSize, outSize, scale } = s;
  switch (mode) {
    case 'half_pixel':
      return (i + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      const center = inSize / 2;
      return center * (1 - adjustment) + (i + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outSize > 1 ? (i + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (i * (inSize - 1)) / (s.outExact - 1);
    case 'asymmetric':
      return i / scale;
    case 'tf_half_pixel_for_nn':
      return (i + 0.5) / scale;
    case 'tf_crop_and_resize':
      return outSize > 1
        ? s.roiStart * (inSize - 1) + (i * (s.roiEnd - s.roiStart) * (inSize - 1)) / (s.outExact - 1)
        : 0.5 * (s.roiStart + s.roiEnd) * (inSize - 1);
    default:
      throw new UnsupportedError(`Resize coordinate_transformation_mode ${mode}`, { code: 'train/resize-mode', node });
  }
}

function nearestIndex(x: number, mode: string): number {
  switch (mode) {
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_ceil':
      return Math.floor(x + 0.5);
    default: // round_prefer_floor
      return x - Math.floor(x) === 0.5 ? Math.floor(x) : Math.round(x);
  }
}

function cubicWeights(t: number, a: number): number[] {
  const w = (d: number) => {
    const x = Math.abs(d);
    if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
    if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
    return 0;
  };
  return [w(t + 1), w(t), w(1 - t), w(2 - t)];
}

interface Modes {
  coord: string;
  nearest: string;
}

function planAxis(s: AxisSpec, a: OpAttrs, modes: Modes, node: string): AxisPlan {
  const mode = a.string('mode', 'nearest');
  const coordMode = modes.coord;
  const taps = mode === 'nearest' ? 1 : mode === 'linear' ? 2 : mode === 'cubic' ? 4 : 0;
  if (taps === 0) throw new UnsupportedError(`Resize mode ${mode}`, { code: 'train/resize-mode', node, field: 'mode' });
  const index = Array.from({ length: taps }, () => new Int32Array(s.outSize));
  const weight = Array.from({ length: taps }, () => new Float32Array(s.outSize));
  const outside = coordMode === 'tf_crop_and_resize' ? new Uint8Array(s.outSize) : undefined;
  const last = s.inSize - 1;
  const clamp = (v: number) => (v < 0 ? 0 : v > last ? last : v);
  for (let i = 0; i < s.outSize; i++) {
    const x = sourceCoordinate(coordMode, i, s, node);
    if (outside && (x < 0 || x > last)) outside[i] = 1;
    if (taps === 1) {
      index[0]![i] = clamp(nearestIndex(x, modes.nearest));
      weight[0]![i] = 1;
    } else if (taps === 2) {
      const x0 = Math.floor(x);
      const t = x - x0;
      index[0]![i] = clamp(x0);
      index[1]![i] = clamp(x0 + 1);
      weight[0]![i] = 1 - t;
      weight[1]![i] = t;
    } else {
      const x0 = Math.floor(x);
      const ws = cubicWeights(x - x0, a.float('cubic_coeff_a', -0.75));
      const exclude = a.int('exclude_outside', 0) === 1;
      let total = 0;
      for (let k = 0; k < 4; k++) {
        const src = x0 - 1 + k;
        const w = exclude && (src < 0 || src > last) ? 0 : ws[k]!;
        index[k]![i] = clamp(src);
        weight[k]![i] = w;
        total += w;
      }
      if (exclude && total !== 0) for (let k = 0; k < 4; k++) weight[k]![i] = weight[k]![i]! / total;
    }
  }
  return outside ? { index, weight, outside } : { index, weight };
}

function resampleAxis(x: tf.Tensor, axis: number, plan: AxisPlan, extrapolation: number): tf.Tensor {
  const bshape = x.shape.map((_, i) => (i === axis ? -1 : 1));
  let y: tf.Tensor | undefined;
  plan.index.forEach((idx, k) => {
    const g = tf.gather(x, tf.tensor1d(idx, 'int32'), axis);
    const term = plan.index.length === 1 ? g : g.mul(tf.tensor1d(plan.weight[k]!).reshape(bshape));
    y = y === undefined ? term : y.add(term);
  });
  if (plan.outside?.some((v) => v)) {
    const mask = tf.tensor1d(plan.outside, 'bool').reshape(bshape);
    y = tf.where(tf.broadcastTo(mask, y!.shape), tf.fill(y!.shape, extrapolation), y!);
  }
  return y!;
}

export function resize(inputs: OpInputs, a: OpAttrs, ctx: OpContext): tf.Tensor {
  const x = inputs[0]!;
  if (a.int('antialias', 0) === 1)
    throw new UnsupportedError('Resize with antialias', { code: 'train/resize-mode', node: ctx.node });
  // Opset 10 (and Upsample): Resize(X, scales). Opset 11+: Resize(X, roi, scales, sizes).
  const legacy = ctx.opset < 11 || inputs.length === 2;
  const roiT = legacy ? undefined : optionalInput(inputs, 1);
  const scalesT = legacy ? optionalInput(inputs, 1) : optionalInput(inputs, 2);
  const sizesT = legacy ? undefined : optionalInput(inputs, 3);
  const axes = (a.ints('axes') ?? x.shape.map((_, i) => i)).map((v) => normAxis(v, x.rank));
  const scalesV = scalesT && scalesT.size > 0 ? Array.from(scalesT.dataSync(), Number) : a.floats('scales');
  const sizesV = sizesT && sizesT.size > 0 ? Array.from(sizesT.dataSync(), Number) : undefined;
  const roiV = roiT && roiT.size > 0 ? Array.from(roiT.dataSync(), Number) : undefined;
  const extrapolation = a.float('extrapolation_value', 0);
  // Upsample and Resize-10 have no mode attributes: they index asymmetrically and floor.
  const modes: Modes = {
    coord: a.string('coordinate_transformation_mode', legacy ? 'asymmetric' : 'half_pixel'),
    nearest: a.string('nearest_mode', legacy ? 'floor' : 'round_prefer_floor'),
  };
  const policy = a.string('keep_aspect_ratio_policy', 'stretch');
  // not_larger / not_smaller: one scale for all axes, the smallest / largest of sizes / input.
  const uniform =
    sizesV && policy !== 'stretch'
      ? (policy === 'not_larger' ? Math.min : Math.max)(...axes.map((ax, k) => sizesV[k]! / x.shape[ax]!))
      : undefined;
  let y = x;
  axes.forEach((axis, k) => {
    const inSize = x.shape[axis]!;
    let outSize: number;
    let scale: number;
    let outExact: number;
    if (uniform !== undefined) {
      scale = uniform;
      outSize = Math.round(inSize * scale);
      outExact = outSize;
    } else if (sizesV) {
      outSize = sizesV[k]!;
      scale = outSize / inSize;
      outExact = outSize;
    } else {
      scale = scalesV![k]!;
      outExact = inSize * scale;
      outSize = Math.floor(outExact);
    }
    const roiStart = roiV ? roiV[k]! : 0;
    const roiEnd = roiV ? roiV[k + axes.length]! : 1;
    const identity = outSize === inSize && scale === 1 && modes.coord !== 'tf_crop_and_resize';
    if (identity) return;
    y = resampleAxis(
      y,
      axis,
      planAxis({ inSize, outSize, outExact, scale, roiStart, roiEnd }, a, modes, ctx.node),
      extrapolation,
    );
  });
  return y;
}
