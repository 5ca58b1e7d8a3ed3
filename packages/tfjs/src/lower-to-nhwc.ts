// Writer step 1: ONNX's NCHW ops that TF runs only in NHWC (Conv, pools) become TF-domain nodes
// wrapped in transposes; BatchNormalization with constant statistics becomes Mul/Add. Afterwards
// fold-transposes.ts cancels the transposes between neighbouring NHWC ops.
import {
  attr,
  type Attr,
  type Graph,
  type Node,
  reshapeTensor,
  tensorFromValues,
  UnsupportedError,
  type Value,
} from '@enxuto/ir';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, transposeTensor } from './kernels.js';

/** Domain of the TF ops the writer emits as they are. */
export const TF_DOMAIN = 'enxuto.tfjs';

function unsupported(n: Node, what: string, field?: string): UnsupportedError {
  return new UnsupportedError(`${n.opType}: ${what}`, {
    code: 'tfjs/unsupported-op',
    node: n.label(),
    ...(field ? { field } : {}),
  });
}

export function lowerToNhwc(g: Graph): void {
  for (const n of [...g.topologicalOrder()]) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') continue;
    if (n.opType === 'Conv') lowerConv(g, n);
    else if (n.opType === 'MaxPool' || n.opType === 'AveragePool') lowerPool(g, n);
    else if (n.opType === 'BatchNormalization') lowerBatchNorm(g, n);
  }
}

function add(
  g: Graph,
  before: Node,
  opType: string,
  inputs: (Value | null)[],
  attributes: Record<string, Attr>,
  base: string,
  domain = '',
): Value {
  return g
    .insertBefore(before, { opType, domain, name: base, inputs, outputs: [g.uniqueName(base)], attributes })
    .output();
}

function transpose(g: Graph, before: Node, x: Value, perm: readonly number[], base: string): Value {
  return add(g, before, 'Transpose', [x], { perm: attr.ints([...perm]) }, base);
}

/** TF padding for ONNX auto_pad/pads: SAME, VALID, or an explicit Pad op in front (NHWC). */
function tfPadding(g: Graph, n: Node, x: Value, padValue: number | undefined): { x: Value; padding: string } {
  const auto = n.getString('auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER') return { x, padding: 'SAME' };
  if (auto === 'VALID') return { x, padding: 'VALID' };
  if (auto !== 'NOTSET') throw unsupported(n, `auto_pad ${auto}`, 'auto_pad');
  const pads = n.getInts('pads', [0, 0, 0, 0]);
  if (pads.length !== 4) throw unsupported(n, 'only 2-D spatial padding', 'pads');
  if (pads.every((p) => p === 0)) return { x, padding: 'VALID' };
  if (padValue === undefined) throw unsupported(n, 'explicit pads with count_include_pad=0', 'pads');
  const [t, l, b, r] = pads as [number, number, number, number];
  const padsV = g.addInitializer(
    g.uniqueName(`${n.name || 'pad'}/pads`),
    tensorFromValues('int64', [8], [0, t, l, 0, 0, b, r, 0]),
  );
  const value = g.addInitializer(
    g.uniqueName(`${n.name || 'pad'}/pad_value`),
    tensorFromValues('float32', [], [padValue]),
  );
  return { x: add(g, n, 'Pad', [x, padsV, value], {}, `${n.name || 'pad'}/pad`), padding: 'VALID' };
}

function spatialInts(n: Node, key: string, fallback: number[]): number[] {
  const v = n.getInts(key, fallback);
  if (v.length !== 2) throw unsupported(n, `only 2-D ${key}`, key);
  return v;
}

function lowerConv(g: Graph, n: Node): void {
  const x = n.input(0)!;
  const w = n.input(1);
  const bias = n.input(2);
  const wt = w?.const;
  if (!w) throw unsupported(n, 'no weight input', 'W');
  const rank = wt
    ? wt.shape.length
    : n.getInts('kernel_shape')?.length !== undefined
      ? n.getInts('kernel_shape')!.length + 2
      : undefined;
  if (rank !== 4) throw unsupported(n, 'only 2-D convolutions (rank-4 weights) map to TF.js', 'W');
  const group = n.getInt('group', 1);
  const strides = spatialInts(n, 'strides', [1, 1]);
  const dilations = spatialInts(n, 'dilations', [1, 1]);
  const base = n.name || n.output().name;
  const xt = transpose(g, n, x, NCHW_TO_NHWC, `${base}/to_nhwc`);
  const { x: xp, padding } = tfPadding(g, n, xt, 0);
  let filter: Value;
  let op: string;
  if (group === 1) {
    op = 'Conv2D';
    filter = transpose(g, n, w, [2, 3, 1, 0], `${base}/filter_hwio`);
  } else {
    if (!wt) throw unsupported(n, 'grouped convolution needs a constant weight', 'W');
    const [o, i, kh, kw] = wt.shape as [number, number, number, number];
    if (i !== 1 || o % group !== 0) throw unsupported(n, `group=${group} is neither 1 nor depthwise`, 'group');
    op = 'DepthwiseConv2dNative';
    const hwio = transposeTensor(wt, [2, 3, 1, 0]); // [kh, kw, 1, C*M]
    filter = g.addInitializer(g.uniqueName(`${base}/filter_hwcm`), reshapeTensor(hwio, [kh, kw, group, o / group]));
  }
  let y = add(
    g,
    n,
    op,
    [xp, filter],
    {
      strides: attr.ints([1, ...strides, 1]),
      dilations: attr.ints([1, ...dilations, 1]),
      padding: attr.string(padding),
    },
    `${base}/${op}`,
    TF_DOMAIN,
  );
  if (bias) y = add(g, n, 'BiasAdd', [y, bias], {}, `${base}/bias`, TF_DOMAIN);
  replace(g, n, transpose(g, n, y, NHWC_TO_NCHW, `${base}/to_nchw`));
}

function lowerPool(g: Graph, n: Node): void {
  if (n.getInt('ceil_mode', 0) !== 0) throw unsupported(n, 'ceil_mode=1', 'ceil_mode');
  if (n.outputs.length > 1 && n.outputs[1]) throw unsupported(n, 'the Indices output', 'outputs');
  const kernel = spatialInts(n, 'kernel_shape', []);
  const strides = spatialInts(n, 'strides', [1, 1]);
  if (n.getInts('dilations', [1, 1]).some((d) => d !== 1)) throw unsupported(n, 'dilations', 'dilations');
  const max = n.opType === 'MaxPool';
  const base = n.name || n.output().name;
  const xt = transpose(g, n, n.input(0)!, NCHW_TO_NHWC, `${base}/to_nhwc`);
  const padValue = max ? -3.4028234663852886e38 : n.getInt('count_include_pad', 0) === 1 ? 0 : undefined;
  const { x, padding } = tfPadding(g, n, xt, padValue);
  const op = max ? 'MaxPool' : 'AvgPool';
  const y = add(
    g,
    n,
    op,
    [x],
    {
      ksize: attr.ints([1, ...kernel, 1]),
      strides: attr.ints([1, ...strides, 1]),
      padding: attr.string(padding),
    },
    `${base}/${op}`,
    TF_DOMAIN,
  );
  replace(g, n, transpose(g, n, y, NHWC_TO_NCHW, `${base}/to_nchw`));
}

function lowerBatchNorm(g: Graph, n: Node): void {
  const params = [1, 2, 3, 4].map((i) => n.input(i)?.const);
  if (params.some((p) => !p) || (n.outputs.length > 1 && n.outputs.slice(1).some((o) => o))) {
    throw unsupported(n, 'only inference batch norm with constant parameters', 'inputs');
  }
  const [scale, b, mean, variance] = params.map((p) => p!.toFloat32()) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const eps = n.getFloat('epsilon', 1e-5);
  const c = scale.length;
  const a = new Float32Array(c);
  const s = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    a[i] = scale[i]! / Math.sqrt(variance[i]! + eps);
    s[i] = b[i]! - mean[i]! * a[i]!;
  }
  const base = n.name || n.output().name;
  const av = g.addInitializer(
    g.uniqueName(`${base}/scale`),
    reshapeTensor(tensorFromValues('float32', [c], a), [c, 1, 1]),
  );
  const sv = g.addInitializer(
    g.uniqueName(`${base}/shift`),
    reshapeTensor(tensorFromValues('float32', [c], s), [c, 1, 1]),
  );
  const y = add(g, n, 'Mul', [n.input(0), av], {}, `${base}/mul`);
  replace(g, n, add(g, n, 'Add', [y, sv], {}, `${base}/add`));
}

function replace(g: Graph, n: Node, v: Value): void {
  g.replaceAllUsesWith(n.output(0), v);
  g.remove(n);
}
