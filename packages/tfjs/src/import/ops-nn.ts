// TF convolutions, pools, matmuls and normalizations -> ONNX. Layout-sensitive ops run in ONNX's
// channels-first layout, wrapped in transposes that fold-transposes.ts later cancels where they meet.
import { attr, type Attr, reshapeTensor, tensorFromValues, type Value } from '@enxuto/ir';
import { attrBool, attrFloat, attrInt, attrString, type TfNode } from '../graphdef.js';
import { formatError } from '../json.js';
import { transposeTensor } from '../kernels.js';
import { activation, channelsLast, dataFormat, fusedOps, padding, spatial, type TfImporter } from './common.js';
import type { ImportContext } from './context.js';

/** Permutations between channels-last and channels-first for a rank. */
export const toChannelsFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
export const toChannelsLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];

/** Runs `body` on x in channels-first layout when fmt is channels-last. */
export function inChannelsFirst(
  ctx: ImportContext,
  n: TfNode,
  fmt: string,
  x: Value,
  body: (x: Value) => Value,
): Value {
  if (!channelsLast(fmt)) return body(x);
  const r = fmt.length;
  const y = body(ctx.transpose(x, toChannelsFirst(r), `${n.name}/to_nchw`));
  return ctx.transpose(y, toChannelsLast(r), `${n.name}/to_nhwc`);
}

function conv(kind: 'conv' | 'depthwise', fused: boolean, defaultFormat = 'NHWC'): TfImporter {
  return (ctx, n) => {
    const fmt = dataFormat(n, defaultFormat);
    const r = fmt.length;
    const attributes: Record<string, Attr> = {
      strides: attr.ints(spatial(n, 'strides', fmt)),
      dilations: attr.ints(spatial(n, 'dilations', fmt)),
      ...padding(n, fmt),
    };
    const f = ctx.input(n, 1);
    let w: Value;
    if (kind === 'conv') {
      // [spatial..., in, out] -> [out, in, spatial...]
      w = ctx.transpose(f, [r - 1, r - 2, ...Array.from({ length: r - 2 }, (_, i) => i)], `${n.name}/filter_oihw`);
    } else {
      const t = ctx.constData(f, n, 'filter');
      if (t.shape.length !== 4)
        throw formatError('depthwise filter must have rank 4', 'tfjs/bad-operand', n.where, 'filter');
      const [h, wd, c, m] = t.shape as [number, number, number, number];
      w = ctx.constant(`${n.name}/filter_oihw`, transposeTensor(reshapeTensor(t, [h, wd, 1, c * m]), [3, 2, 0, 1]));
      attributes.group = attr.int(c);
    }
    const { bias, act } = fused ? fusedOps(n) : { bias: false, act: undefined };
    let y = inChannelsFirst(ctx, n, fmt, ctx.input(n, 0), (x) =>
      ctx.op('Conv', bias ? [x, w, ctx.input(n, 2)] : [x, w], attributes, n.name),
    );
    if (act) y = activation(ctx, n, act, y, n.inputs.length > 3 ? ctx.input(n, 3) : undefined);
    return y;
  };
}

/** Conv2DBackpropInput (a transposed convolution): output size from input_sizes, TF's SAME split. */
const convTranspose: TfImporter = (ctx, n) => {
  const fmt = dataFormat(n);
  const strides = spatial(n, 'strides', fmt);
  const dilations = spatial(n, 'dilations', fmt);
  const sizes = ctx.constInts(ctx.input(n, 0), n, 'input_sizes');
  const filter = ctx.input(n, 1);
  const fshape = filter.const?.shape ?? filter.shape;
  const dy = ctx.input(n, 2);
  if (sizes.length !== 4 || fshape?.length !== 4 || fshape.some((d) => typeof d !== 'number'))
    throw ctx.unsupported(n, 'needs 4 input_sizes and a filter of known 4-D shape', 'input_sizes');
  const outHw = channelsLast(fmt) ? sizes.slice(1, 3) : sizes.slice(2);
  const kHw = (fshape as number[]).slice(0, 2);
  const p = attrString(n, 'padding', 'VALID').toUpperCase();
  if (p !== 'SAME' && p !== 'VALID') throw ctx.unsupported(n, `padding ${p}`, 'attr.padding');
  const inShape = dy.shape;
  const inHw = inShape ? (channelsLast(fmt) ? inShape.slice(1, 3) : inShape.slice(2)) : undefined;
  // [h, w, out, in] -> ConvTranspose's [in, out, h, w]
  const w = ctx.transpose(filter, [3, 2, 0, 1], `${n.name}/filter_iohw`);
  const attributes: Record<string, Attr> = { strides: attr.ints(strides), dilations: attr.ints(dilations) };
  if (inHw?.every((d) => typeof d === 'number')) {
    const pads = [0, 0, 0, 0];
    const outputPadding = [0, 0];
    for (let i = 0; i < 2; i++) {
      const k = (kHw[i]! - 1) * dilations[i]! + 1;
      const full = ((inHw[i] as number) - 1) * strides[i]! + k;
      const total = p === 'SAME' ? Math.max(full - outHw[i]!, 0) : 0;
      pads[i] = Math.floor(total / 2);
      pads[i + 2] = total - pads[i]!;
      outputPadding[i] = outHw[i]! - (full - total);
      if (outputPadding[i]! < 0 || outputPadding[i]! >= Math.max(strides[i]!, dilations[i]!))
        throw formatError('input_sizes does not fit the input and filter', 'tfjs/bad-operand', n.where, 'input_sizes');
    }
    attributes.pads = attr.ints(pads);
    attributes.output_padding = attr.ints(outputPadding);
  } else {
    attributes.output_shape = attr.ints(outHw);
    attributes.auto_pad = attr.string(p === 'SAME' ? 'SAME_UPPER' : 'VALID');
  }
  return inChannelsFirst(ctx, n, fmt, dy, (x) => ctx.op('ConvTranspose', [x, w], attributes, n.name));
};

function pool(onnxOp: 'MaxPool' | 'AveragePool', defaultFormat = 'NHWC'): TfImporter {
  return (ctx, n) => {
    const fmt = dataFormat(n, defaultFormat);
    const attributes: Record<string, Attr> = {
      kernel_shape: attr.ints(spatial(n, 'ksize', fmt)),
      strides: attr.ints(spatial(n, 'strides', fmt)),
      ...padding(n, fmt),
    };
    // TF averages over the valid (unpadded) cells only, as ONNX does with count_include_pad=0.
    return inChannelsFirst(ctx, n, fmt, ctx.input(n, 0), (x) => ctx.op(onnxOp, [x], attributes, n.name));
  };
}

function matmul(fused: boolean): TfImporter {
  return (ctx, n) => {
    let a = ctx.input(n, 0);
    let b = ctx.input(n, 1);
    if (attrBool(n, 'transpose_a', false)) a = ctx.transpose(a, [1, 0], `${n.name}/a_t`);
    if (attrBool(n, 'transpose_b', false)) b = ctx.transpose(b, [1, 0], `${n.name}/b_t`);
    let y = ctx.op('MatMul', [a, b], {}, n.name);
    if (fused) {
      const { bias, act } = fusedOps(n);
      if (bias) y = ctx.op('Add', [y, ctx.input(n, 2)], {}, n.name);
      if (act) y = activation(ctx, n, act, y, n.inputs.length > 3 ? ctx.input(n, 3) : undefined);
    }
    return y;
  };
}

/** Swaps the last two axes (BatchMatMul's adj_x/adj_y); needs the rank. */
function swapLastTwo(ctx: ImportContext, n: TfNode, v: Value, what: string): Value {
  const r = ctx.rank(v);
  if (r === undefined || r < 2) throw ctx.unsupported(n, `${what} needs an operand of known rank >= 2`, `attr.${what}`);
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  return ctx.transpose(v, perm, `${n.name}/${what}`);
}

const batchMatmul: TfImporter = (ctx, n) => {
  let a = ctx.input(n, 0);
  let b = ctx.input(n, 1);
  if (attrBool(n, 'adj_x', false)) a = swapLastTwo(ctx, n, a, 'adj_x');
  if (attrBool(n, 'adj_y', false)) b = swapLastTwo(ctx, n, b, 'adj_y');
  return ctx.op('MatMul', [a, b], {}, n.name);
};

const fusedBatchNorm: TfImporter = (ctx, n) => {
  const fmt = dataFormat(n);
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) =>
    ctx.constData(ctx.input(n, i), n, `input[${i}]`).toFloat32(),
  );
  const eps = attrFloat(n, 'epsilon', 0.001);
  const c = scale!.length;
  if ([offset, mean, variance].some((a) => a!.length !== c)) {
    throw formatError('batch-norm parameters differ in length', 'tfjs/bad-operand', n.where, 'input');
  }
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    a[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
    b[i] = offset![i]! - mean![i]! * a[i]!;
  }
  const shape = channelsLast(fmt) ? [c] : [c, ...new Array<number>(fmt.length - 2).fill(1)];
  const y = ctx.op(
    'Mul',
    [ctx.input(n, 0), ctx.constant(`${n.name}/scale`, tensorFromValues('float32', shape, a))],
    {},
    n.name,
  );
  return ctx.op('Add', [y, ctx.constant(`${n.name}/shift`, tensorFromValues('float32', shape, b))], {}, n.name);
};

const biasAdd: TfImporter = (ctx, n) => {
  let bias = ctx.input(n, 1);
  const fmt = dataFormat(n);
  if (!channelsLast(fmt)) {
    const t = ctx.constData(bias, n, 'bias');
    const r = ctx.rank(ctx.input(n, 0)) ?? 4;
    bias = ctx.constant(`${n.name}/bias_c11`, reshapeTensor(t, [t.size, ...new Array<number>(r - 2).fill(1)]));
  }
  return ctx.op('Add', [ctx.input(n, 0), bias], {}, n.name);
};

/** TF's LRN sums depth_radius neighbours on each side; ONNX's alpha is divided by the window size. */
const lrn: TfImporter = (ctx, n) => {
  const r = attrInt(n, 'depth_radius', 5);
  const size = 2 * r + 1;
  const attributes = {
    size: attr.int(size),
    alpha: attr.float(attrFloat(n, 'alpha', 1) * size),
    beta: attr.float(attrFloat(n, 'beta', 0.5)),
    bias: attr.float(attrFloat(n, 'bias', 1)),
  };
  return inChannelsFirst(ctx, n, 'NHWC', ctx.input(n, 0), (x) => ctx.op('LRN', [x], attributes, n.name));
};

function depthSpace(op: 'DepthToSpace' | 'SpaceToDepth'): TfImporter {
  return (ctx, n) => {
    const fmt = dataFormat(n);
    const attributes: Record<string, Attr> = { blocksize: attr.int(attrInt(n, 'block_size', 2)) };
    if (op === 'DepthToSpace') attributes.mode = attr.string('DCR');
    return inChannelsFirst(ctx, n, fmt, ctx.input(n, 0), (x) => ctx.op(op, [x], attributes, n.name));
  };
}

function softmax(op: 'Softmax' | 'LogSoftmax'): TfImporter {
  return (ctx, n) => ctx.op(op, [ctx.input(n, 0)], { axis: attr.int(-1) }, n.name);
}

export const NN_IMPORTERS: [string, TfImporter][] = [
  ['Conv2D', conv('conv', false)],
  ['_FusedConv2D', conv('conv', true)],
  ['FusedConv2D', conv('conv', true)],
  ['Conv3D', conv('conv', false, 'NDHWC')],
  ['DepthwiseConv2dNative', conv('depthwise', false)],
  ['DepthwiseConv2d', conv('depthwise', false)],
  ['FusedDepthwiseConv2dNative', conv('depthwise', true)],
  ['Conv2DBackpropInput', convTranspose],
  ['MaxPool', pool('MaxPool')],
  ['AvgPool', pool('AveragePool')],
  ['MaxPool3D', pool('MaxPool', 'NDHWC')],
  ['AvgPool3D', pool('AveragePool', 'NDHWC')],
  ['MatMul', matmul(false)],
  ['_FusedMatMul', matmul(true)],
  ['FusedMatMul', matmul(true)],
  ['BatchMatMul', batchMatmul],
  ['BatchMatMulV2', batchMatmul],
  ['BiasAdd', biasAdd],
  ['FusedBatchNorm', fusedBatchNorm],
  ['FusedBatchNormV2', fusedBatchNorm],
  ['FusedBatchNormV3', fusedBatchNorm],
  ['LRN', lrn],
  ['DepthToSpace', depthSpace('DepthToSpace')],
  ['SpaceToDepth', depthSpace('SpaceToDepth')],
  ['Softmax', softmax('Softmax')],
  ['LogSoftmax', softmax('LogSoftmax')],
];
