// ONNX convolutions -> TF.js's NHWC convolutions, wrapped in transposes that fold-transposes.ts
// cancels between neighbours. 2-D: Conv2D, DepthwiseConv2dNative (group = channels), or one Conv2D
// per group; 1-D as 2-D with a height of 1; 3-D as Conv3D; ConvTranspose 2-D as
// Conv2DBackpropInput at full size, then cropped. Weights may be computed (dequantized) values:
// their layout changes are IR ops, folded on constants afterwards.
import { attr, type Graph, type Node, tensorType, type Value } from '@enxuto/ir';
import { ints, Lowering, staticShape, str, toFirst, toLast, unsupported } from './lower-common.js';

/** ONNX SAME_UPPER/SAME_LOWER pads [begins..., ends...] for static spatial sizes (null when unknown). */
function samePads(n: Node, dims: number, inShape: number[] | undefined, upper: boolean): number[] | null {
  const strides = n.getInts('strides', new Array(dims).fill(1));
  const kernel = n.getInts('kernel_shape') ?? staticShape(n.input(1))?.slice(2);
  const dil = n.getInts('dilations', new Array(dims).fill(1));
  if (!inShape || !kernel) return null;
  const pads = new Array<number>(2 * dims).fill(0);
  for (let i = 0; i < dims; i++) {
    const out = Math.ceil(inShape[i]! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + (kernel[i]! - 1) * dil[i]! + 1 - inShape[i]!, 0);
    pads[i] = upper ? Math.floor(total / 2) : Math.ceil(total / 2);
    pads[i + dims] = total - pads[i]!;
  }
  return pads;
}

/**
 * TF padding for ONNX auto_pad/pads: SAME, VALID, or VALID after an explicit Pad (NHWC). With
 * `explicit`, SAME_UPPER is spelled out too (for a stride-1 run of a strided convolution).
 */
export function tfPadding(
  l: Lowering,
  x: Value,
  dims: number,
  padValue: number | undefined,
  inShape?: number[],
  explicit = false,
): { x: Value; padding: string } {
  const n = l.n;
  const auto = n.getString('auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER' && !explicit) return { x, padding: 'SAME' };
  if (auto === 'VALID') return { x, padding: 'VALID' };
  let pads: number[];
  if (auto === 'SAME_LOWER' || auto === 'SAME_UPPER') {
    const p = samePads(n, dims, inShape, auto === 'SAME_UPPER');
    if (!p) throw unsupported(n, `auto_pad ${auto} needs static spatial sizes here`, 'auto_pad');
    pads = p;
  } else if (auto === 'NOTSET') {
    pads = n.getInts('pads', new Array(2 * dims).fill(0));
  } else throw unsupported(n, `auto_pad ${auto}`, 'auto_pad');
  if (pads.length !== 2 * dims) throw unsupported(n, `pads must have ${2 * dims} entries`, 'pads');
  if (pads.every((p) => p === 0)) return { x, padding: 'VALID' };
  if (padValue === undefined) throw unsupported(n, 'explicit pads with count_include_pad=0', 'pads');
  const nhwc = [0, ...pads.slice(0, dims), 0, 0, ...pads.slice(dims), 0];
  const padded = l.op('Pad', [x, l.ints('pads', nhwc), l.float('pad_value', padValue)], {}, 'pad');
  return { x: padded, padding: 'VALID' };
}

function spatialInts(n: Node, key: string, dims: number): number[] {
  const v = n.getInts(key, new Array(dims).fill(1));
  if (v.length !== dims) throw unsupported(n, `${key} must have ${dims} entries`, key);
  return v;
}

/** A 1-D convolution or pool as the 2-D one on a height-1 image. */
export function asTwoD(g: Graph, n: Node, weightToo: boolean): Node {
  const l = new Lowering(g, n);
  const axis = l.ints('h_axis', [2]);
  const with1 = (v: Value | null, out: Value) => {
    const s = v?.const?.shape ?? v?.shape;
    if (s) out.type = tensorType(v!.dtype ?? 'float32', [...s.slice(0, 2), 1, ...s.slice(2)]);
    return out;
  };
  const x = with1(n.input(0), l.op('Unsqueeze', [n.input(0), axis], {}, 'to_2d'));
  const w = weightToo && n.input(1) ? with1(n.input(1), l.op('Unsqueeze', [n.input(1), axis], {}, 'w_2d')) : n.input(1);
  const attributes = new Map(n.attributes);
  for (const key of ['strides', 'dilations', 'kernel_shape']) {
    const v = n.getInts(key);
    if (v) attributes.set(key, attr.ints([1, ...v]));
  }
  const pads = n.getInts('pads');
  if (pads) attributes.set('pads', attr.ints([0, pads[0]!, 0, pads[1]!]));
  const out = g.uniqueName(`${l.base}/2d`);
  const inputs = weightToo ? [x, w, ...n.inputs.slice(2)] : [x, ...n.inputs.slice(1)];
  const conv2d = g.insertBefore(n, { opType: n.opType, name: `${l.base}/2d`, inputs, outputs: [out], attributes });
  l.done(l.op('Squeeze', [conv2d.output(), axis], {}, 'from_2d'));
  return conv2d;
}

export function lowerConv(g: Graph, n: Node): void {
  const w = n.input(1);
  if (!w) throw unsupported(n, 'no weight input', 'W');
  const wShape = staticShape(w);
  if (!wShape) throw unsupported(n, 'the weight shape must be known', 'W');
  if (wShape.length === 3) {
    lowerConv(g, asTwoD(g, n, true));
    return;
  }
  if (wShape.length === 5) {
    lowerConv3d(g, n, wShape);
    return;
  }
  if (wShape.length !== 4) throw unsupported(n, `${wShape.length - 2}-D convolutions have no TF.js kernel`, 'W');
  const l = new Lowering(g, n);
  const group = n.getInt('group', 1);
  const strides = spatialInts(n, 'strides', 2);
  const dilations = spatialInts(n, 'dilations', 2);
  const x = l.transpose(n.input(0)!, toLast(4), 'to_nhwc');
  const inShape = staticShape(n.input(0))?.slice(2);
  // TF.js convolves with a stride or a dilation, not both: run at stride 1, then keep every s-th row.
  const subsample = strides.some((v) => v > 1) && dilations.some((d) => d > 1);
  const { x: xp, padding } = tfPadding(l, x, 2, 0, inShape, subsample);
  const runStrides = subsample ? [1, 1] : strides;
  const tfAttrs = {
    strides: ints([1, ...runStrides, 1]),
    dilations: ints([1, ...dilations, 1]),
    padding: str(padding),
  };
  const [o, i, kh, kw] = wShape as [number, number, number, number];
  let y: Value;
  if (group === 1) {
    y = l.tf('Conv2D', [xp, l.transpose(w, [2, 3, 1, 0], 'filter_hwio')], tfAttrs)[0]!;
  } else if (i === 1 && o % group === 0) {
    const hwio = l.transpose(w, [2, 3, 1, 0], 'filter_hw1o');
    const filter = l.op('Reshape', [hwio, l.ints('hwcm', [kh, kw, group, o / group])], {}, 'filter_hwcm');
    y = l.tf('DepthwiseConv2dNative', [xp, filter], tfAttrs)[0]!;
  } else {
    if (o % group !== 0) throw unsupported(n, `${o} output channels do not split into ${group} groups`, 'group');
    // One Conv2D per group of input channels, concatenated.
    const parts = Array.from({ length: group }, (_, k) => {
      const xs = l.op(
        'Slice',
        [xp, l.ints(`x${k}_b`, [k * i]), l.ints(`x${k}_e`, [(k + 1) * i]), l.ints(`x${k}_a`, [3])],
        {},
        `x${k}`,
      );
      const og = o / group;
      const ws = l.op(
        'Slice',
        [w, l.ints(`w${k}_b`, [k * og]), l.ints(`w${k}_e`, [(k + 1) * og]), l.ints(`w${k}_a`, [0])],
        {},
        `w${k}`,
      );
      return l.tf('Conv2D', [xs, l.transpose(ws, [2, 3, 1, 0], `w${k}_hwio`)], tfAttrs)[0]!;
    });
    y = l.op('Concat', parts, { axis: attr.int(3) }, 'groups');
  }
  if (subsample) {
    const big = 2 ** 31 - 1;
    y = l.op(
      'Slice',
      [y, l.ints('sub_b', [0, 0]), l.ints('sub_e', [big, big]), l.ints('sub_a', [1, 2]), l.ints('sub_s', strides)],
      {},
      'subsample',
    );
  }
  if (n.input(2)) y = l.tf('BiasAdd', [y, n.input(2)], {})[0]!;
  l.done(l.transpose(y, toFirst(4), 'to_nchw'));
}

function lowerConv3d(g: Graph, n: Node, wShape: number[]): void {
  const l = new Lowering(g, n);
  if (n.getInt('group', 1) !== 1)
    throw unsupported(n, 'grouped 3-D convolutions (TF.js conv3d has no groups)', 'group');
  const dilations = spatialInts(n, 'dilations', 3);
  if (dilations.some((d) => d !== 1)) throw unsupported(n, 'dilated 3-D convolutions (TF.js conv3d)', 'dilations');
  const strides = spatialInts(n, 'strides', 3);
  const x = l.transpose(n.input(0)!, toLast(5), 'to_ndhwc');
  const { x: xp, padding } = tfPadding(l, x, 3, 0, staticShape(n.input(0))?.slice(2));
  const filter = l.transpose(n.input(1)!, [2, 3, 4, 1, 0], 'filter_dhwio');
  if (wShape.length !== 5) throw unsupported(n, 'rank-5 weights expected', 'W');
  let y = l.tf('Conv3D', [xp, filter], {
    strides: ints([1, ...strides, 1]),
    dilations: ints([1, 1, 1, 1, 1]),
    padding: str(padding),
  })[0]!;
  if (n.input(2)) y = l.tf('BiasAdd', [y, n.input(2)], {})[0]!;
  l.done(l.transpose(y, toFirst(5), 'to_ncdhw'));
}

/** ConvTranspose 2-D: Conv2DBackpropInput to the full (unpadded) size, then the pads cropped off. */
export function lowerConvTranspose(g: Graph, n: Node): void {
  const wShape = staticShape(n.input(1));
  const xShape = staticShape(n.input(0));
  if (wShape?.length !== 4) throw unsupported(n, 'only 2-D transposed convolutions with a known weight shape', 'W');
  if (!xShape) throw unsupported(n, 'the input needs a static shape', 'X');
  if (n.getInt('group', 1) !== 1) throw unsupported(n, 'grouped transposed convolutions (TF.js has none)', 'group');
  const dil = spatialInts(n, 'dilations', 2);
  if (dil.some((d) => d !== 1))
    throw unsupported(n, 'dilated transposed convolutions (TF.js conv2dTranspose)', 'dilations');
  const strides = spatialInts(n, 'strides', 2);
  const outPad = n.getInts('output_padding', [0, 0]);
  const [, cOut, kh, kw] = wShape as [number, number, number, number];
  const k = [kh, kw];
  const inHw = xShape.slice(2);
  const full = inHw.map((d, i) => strides[i]! * (d - 1) + k[i]! + outPad[i]!);
  const auto = n.getString('auto_pad', 'NOTSET');
  const outShape = n.getInts('output_shape');
  let pads: number[];
  if (outShape || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const target = outShape ?? inHw.map((d, i) => d * strides[i]!);
    pads = [0, 0, 0, 0];
    for (let i = 0; i < 2; i++) {
      const total = full[i]! - target[i]!;
      if (total < 0) throw unsupported(n, 'an output larger than the full transposed convolution', 'output_shape');
      const small = Math.floor(total / 2);
      const upper = auto === 'SAME_UPPER';
      pads[i] = upper ? small : total - small;
      pads[i + 2] = upper ? total - small : small;
    }
  } else pads = n.getInts('pads', [0, 0, 0, 0]);
  const l = new Lowering(g, n);
  const x = l.transpose(n.input(0)!, toLast(4), 'to_nhwc');
  const filter = l.transpose(n.input(1)!, [2, 3, 1, 0], 'filter_hwoi');
  // TF's transposed convolution cannot add output_padding rows beyond what VALID gives: pad the input side instead.
  const sizes = l.ints('input_sizes', [xShape[0]!, full[0]!, full[1]!, cOut]);
  let y = l.tf('Conv2DBackpropInput', [sizes, filter, x], {
    strides: ints([1, ...strides, 1]),
    padding: str('VALID'),
  })[0]!;
  if (pads.some((p) => p !== 0)) {
    y = l.op(
      'Slice',
      [
        y,
        l.ints('crop_b', [pads[0]!, pads[1]!]),
        l.ints('crop_e', [full[0]! - pads[2]!, full[1]! - pads[3]!]),
        l.ints('crop_a', [1, 2]),
      ],
      {},
      'crop',
    );
  }
  if (n.input(2)) y = l.tf('BiasAdd', [y, n.input(2)], {})[0]!;
  l.done(l.transpose(y, toFirst(4), 'to_nchw'));
}
