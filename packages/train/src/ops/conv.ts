// ONNX Conv and ConvTranspose (1-D and 2-D, groups, depthwise, dilations, auto_pad) on TF.js.
import * as tf from '@tensorflow/tfjs';
import { CheckError } from '@enxuto/ir';
import { dilateFilter } from '../grad/conv-backprop.js';
import type { OpAttrs } from './op-attrs.js';
import { windowGeometry } from './padding.js';
import { explicitPads, lift, liftPads, liftTo2d, lowerFrom2d, toNCHW, toNHWC } from './layout.js';

type Pair = [number, number];

interface ConvParams {
  strides: Pair;
  dilations: Pair;
  group: number;
  kernel: Pair;
}

function params(x: tf.Tensor, w: tf.Tensor, a: OpAttrs): ConvParams {
  const rank = x.rank;
  const kernel = lift(w.shape.slice(2), rank, 1);
  const strides = lift(a.ints('strides', kernel.map(() => 1).slice(rank === 3 ? 1 : 0)), rank, 1);
  const dilations = lift(a.ints('dilations', kernel.map(() => 1).slice(rank === 3 ? 1 : 0)), rank, 1);
  return {
    strides: [strides[0]!, strides[1]!],
    dilations: [dilations[0]!, dilations[1]!],
    group: a.int('group', 1),
    kernel: [kernel[0]!, kernel[1]!],
  };
}

/** conv2d that also accepts strides and dilations both > 1 (TF.js refuses that pair). */
function conv2dNHWC(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  strides: Pair,
  pads: ReturnType<typeof explicitPads>,
  dil: Pair,
): tf.Tensor4D {
  const both = (strides[0] > 1 || strides[1] > 1) && (dil[0] > 1 || dil[1] > 1);
  if (both) return tf.conv2d(x, dilateFilter(f, dil), strides, pads);
  return tf.conv2d(x, f, strides, pads, 'NHWC', dil);
}

function depthwiseNHWC(
  x: tf.Tensor4D,
  f: tf.Tensor4D,
  strides: Pair,
  pads: ReturnType<typeof explicitPads>,
  dil: Pair,
): tf.Tensor4D {
  const both = (strides[0] > 1 || strides[1] > 1) && (dil[0] > 1 || dil[1] > 1);
  if (both) return tf.depthwiseConv2d(x, dilateFilter(f, dil), strides, pads);
  return tf.depthwiseConv2d(x, f, strides, pads, 'NHWC', dil);
}

function checkGroups(ci: number, co: number, wIn: number, group: number, node: string): void {
  if (group < 1 || ci % group !== 0 || co % group !== 0 || wIn * group !== ci) {
    throw new CheckError(`group ${group} does not divide channels (input ${ci}, output ${co}, weight ${wIn})`, {
      code: 'train/bad-group',
      node,
      field: 'group',
    });
  }
}

export function conv(x0: tf.Tensor, w0: tf.Tensor, bias: tf.Tensor | undefined, a: OpAttrs, node: string): tf.Tensor {
  const rank = x0.rank;
  const x = liftTo2d(x0, 'Conv', node);
  const w = liftTo2d(w0, 'Conv', node); // [Co, Ci/g, kh, kw]
  const p = params(x0, w0, a);
  const [ci, co] = [x.shape[1], w.shape[0]];
  checkGroups(ci, co, w.shape[1], p.group, node);
  const geo = windowGeometry({
    input: [x.shape[2], x.shape[3]],
    kernel: p.kernel,
    strides: p.strides,
    dilations: p.dilations,
    autoPad: a.string('auto_pad', 'NOTSET'),
    pads: liftPads(a.ints('pads'), rank),
    node,
  });
  const pads = explicitPads(geo.begin, geo.end);
  const xh = toNHWC(x);
  const f = w.transpose([2, 3, 1, 0]) as tf.Tensor4D; // [kh, kw, Ci/g, Co]
  let y: tf.Tensor4D;
  if (p.group === 1) {
    y = conv2dNHWC(xh, f, p.strides, pads, p.dilations);
  } else if (p.group === ci && w.shape[1] === 1) {
    // Depthwise: output channel c*M + m reads input channel c, as [kh, kw, C, M] lays it out.
    y = depthwiseNHWC(
      xh,
      f.reshape([p.kernel[0], p.kernel[1], ci, co / ci]) as tf.Tensor4D,
      p.strides,
      pads,
      p.dilations,
    );
  } else {
    const xs = tf.split(xh, p.group, 3) as tf.Tensor4D[];
    const fs = tf.split(f, p.group, 3) as tf.Tensor4D[];
    y = tf.concat(
      xs.map((xg, g) => conv2dNHWC(xg, fs[g]!, p.strides, pads, p.dilations)),
      3,
    );
  }
  if (bias !== undefined) y = y.add(bias);
  return lowerFrom2d(toNCHW(y), rank);
}

export function convTranspose(
  x0: tf.Tensor,
  w0: tf.Tensor,
  bias: tf.Tensor | undefined,
  a: OpAttrs,
  node: string,
): tf.Tensor {
  const rank = x0.rank;
  const x = liftTo2d(x0, 'ConvTranspose', node);
  const w = liftTo2d(w0, 'ConvTranspose', node); // [Ci, Co/g, kh, kw]
  const p = params(x0, w0, a);
  const [n, ci, h, wd] = x.shape;
  const co = w.shape[1] * p.group;
  checkGroups(ci, co, ci / p.group, p.group, node);
  if (w.shape[0] !== ci) {
    throw new CheckError(`weight has ${w.shape[0]} input channels, input has ${ci}`, {
      code: 'train/bad-weight',
      node,
    });
  }
  const input: Pair = [h, wd];
  const keff = [0, 1].map((i) => (p.kernel[i]! - 1) * p.dilations[i]! + 1);
  const full = [0, 1].map((i) => (input[i]! - 1) * p.strides[i]! + keff[i]!);
  const outPad = lift(a.ints('output_padding', rank === 3 ? [0] : [0, 0]), rank, 0);
  const autoPad = a.string('auto_pad', 'NOTSET');
  const outShapeAttr = a.ints('output_shape');
  const pads = liftPads(a.ints('pads'), rank) ?? [0, 0, 0, 0];
  const begin: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < 2; i++) {
    const given = outShapeAttr === undefined ? undefined : lift(outShapeAttr.slice(-(rank - 2)), rank, 1)[i];
    if (given !== undefined || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const size = given ?? input[i]! * p.strides[i]!;
      const total = full[i]! + outPad[i]! - size;
      const small = Math.floor(total / 2);
      // As the ONNX reference: only SAME_UPPER puts the smaller half first.
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      out.push(size);
    } else {
      const [b, e] = autoPad === 'VALID' ? [0, 0] : [pads[i]!, pads[i + 2]!];
      begin.push(b);
      out.push(full[i]! + outPad[i]! - b - e);
    }
  }
  const xh = toNHWC(x);
  const f = dilateFilter(w.transpose([2, 3, 1, 0]) as tf.Tensor4D, p.dilations); // [khe, kwe, Co/g, Ci]
  const transposed = (xg: tf.Tensor4D, fg: tf.Tensor4D) =>
    tf.conv2dTranspose(xg, fg, [n, full[0]!, full[1]!, fg.shape[2]], p.strides, 'valid');
  let y: tf.Tensor4D;
  if (p.group === 1) {
    y = transposed(xh, f);
  } else {
    const xs = tf.split(xh, p.group, 3) as tf.Tensor4D[];
    const fs = tf.split(f, p.group, 3) as tf.Tensor4D[];
    y = tf.concat(
      xs.map((xg, g) => transposed(xg, fs[g]!)),
      3,
    );
  }
  // Crop the leading pads; output_padding (or an output_shape past the full result) adds zeros.
  // A negative begin (output_shape larger than the full result) means zeros before it.
  const lead = begin.map((b) => Math.max(0, -b));
  const from = begin.map((b) => Math.max(0, b));
  const take = [0, 1].map((i) => Math.max(0, Math.min(out[i]! - lead[i]!, full[i]! - from[i]!)));
  y = y.slice([0, from[0]!, from[1]!, 0], [n, take[0]!, take[1]!, co]);
  const trail = [0, 1].map((i) => out[i]! - lead[i]! - take[i]!);
  if (lead.some((v) => v > 0) || trail.some((v) => v > 0)) {
    y = tf.pad(y, [
      [0, 0],
      [lead[0]!, trail[0]!],
      [lead[1]!, trail[1]!],
      [0, 0],
    ]);
  }
  if (bias !== undefined) y = y.add(bias);
  return lowerFrom2d(toNCHW(y), rank);
}
