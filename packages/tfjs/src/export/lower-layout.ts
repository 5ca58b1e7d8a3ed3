// Writer step 1: ONNX's channels-first ops that TF.js runs only channels-last (convolutions, pools,
// resizes, LRN, DepthToSpace) become TF-domain nodes wrapped in transposes; BatchNormalization
// becomes Mul/Add. Afterwards fold-transposes.ts cancels the transposes between neighbouring ops.
// Runs on every graph, If branches and Loop bodies included.
import { attr, type Graph, type Node, walkGraphs } from '@enxuto/ir';
import { asTwoD, lowerConv, lowerConvTranspose, tfPadding } from './lower-conv.js';
import { ints, Lowering, staticShape, str, toFirst, toLast, unsupported } from './lower-common.js';
import { lowerResize } from './lower-resize.js';

export { TF_ATTRS, TF_DOMAIN } from './lower-common.js';

export function lowerLayout(root: Graph): void {
  for (const g of [...walkGraphs(root)]) {
    for (const n of [...g.topologicalOrder()]) {
      if (n.isRemoved() || (n.domain !== '' && n.domain !== 'ai.onnx')) continue;
      if (n.opType === 'Conv') lowerConv(g, n);
      else if (n.opType === 'ConvTranspose') lowerConvTranspose(g, n);
      else if (n.opType === 'MaxPool' || n.opType === 'AveragePool') lowerPool(g, n);
      else if (n.opType === 'BatchNormalization') lowerBatchNorm(g, n);
      else if (n.opType === 'Resize' || n.opType === 'Upsample') lowerResize(g, n);
      else if (n.opType === 'LRN') lowerLrn(g, n);
      else if (n.opType === 'DepthToSpace') lowerDepthToSpace(g, n);
    }
  }
}

function lowerPool(g: Graph, n: Node): void {
  if (n.getInt('ceil_mode', 0) !== 0) throw unsupported(n, 'ceil_mode=1', 'ceil_mode');
  if (n.outputs.length > 1 && n.outputs[1]) throw unsupported(n, 'the Indices output', 'outputs');
  const kernel = n.getInts('kernel_shape') ?? [];
  const dims = kernel.length;
  if (dims === 1) {
    lowerPool(g, asTwoD(g, n, false));
    return;
  }
  if (dims !== 2 && dims !== 3) throw unsupported(n, `${dims}-D pooling has no TF.js kernel`, 'kernel_shape');
  const strides = n.getInts('strides', new Array(dims).fill(1));
  if (n.getInts('dilations', new Array(dims).fill(1)).some((d) => d !== 1))
    throw unsupported(n, 'dilations', 'dilations');
  const max = n.opType === 'MaxPool';
  const l = new Lowering(g, n);
  const r = dims + 2;
  const xt = l.transpose(n.input(0)!, toLast(r), 'to_nhwc');
  const padValue = max ? -3.4028234663852886e38 : n.getInt('count_include_pad', 0) === 1 ? 0 : undefined;
  const { x, padding } = tfPadding(l, xt, dims, padValue, staticShape(n.input(0))?.slice(2));
  const op = `${max ? 'MaxPool' : 'AvgPool'}${dims === 3 ? '3D' : ''}`;
  const y = l.tf(op, [x], {
    ksize: ints([1, ...kernel, 1]),
    strides: ints([1, ...strides, 1]),
    padding: str(padding),
  })[0]!;
  l.done(l.transpose(y, toFirst(r), 'to_nchw'));
}

/** Inference batch norm: (x - mean) / sqrt(var + eps) * scale + B along axis 1 (parameters may be computed). */
function lowerBatchNorm(g: Graph, n: Node): void {
  if (n.outputs.slice(1).some((o) => o && o.uses().length > 0))
    throw unsupported(n, 'the running-statistics outputs (training mode)', 'outputs');
  const l = new Lowering(g, n);
  const rank = n.input(0)?.shape?.length ?? 4;
  const col = l.ints('col_shape', [-1, ...new Array(rank - 2).fill(1)]);
  const [scale, b, mean, variance] = [1, 2, 3, 4].map((i) => l.op('Reshape', [n.input(i), col], {}, `p${i}`));
  const inv = l.op(
    'Div',
    [
      scale!,
      l.op('Sqrt', [l.op('Add', [variance!, l.float('eps', n.getFloat('epsilon', 1e-5))], {}, 'var_eps')], {}, 'std'),
    ],
    {},
    'scale',
  );
  const shift = l.op('Sub', [b!, l.op('Mul', [mean!, inv], {}, 'mean_scaled')], {}, 'shift');
  l.done(l.op('Add', [l.op('Mul', [n.input(0), inv], {}, 'mul'), shift], {}, 'add'));
}

/** ONNX LRN sums a window of `size` channels and divides alpha by size; TF sums depth_radius each side. */
function lowerLrn(g: Graph, n: Node): void {
  const size = n.getInt('size', 1);
  if (size % 2 !== 1) throw unsupported(n, `an even window (size ${size}) is not centred, as TF's is`, 'size');
  const l = new Lowering(g, n);
  const y = l.tf('LRN', [l.transpose(n.input(0)!, toLast(4), 'to_nhwc')], {
    depth_radius: { i: String((size - 1) / 2) },
    alpha: { f: n.getFloat('alpha', 1e-4) / size },
    beta: { f: n.getFloat('beta', 0.75) },
    bias: { f: n.getFloat('bias', 1) },
  })[0]!;
  l.done(l.transpose(y, toFirst(4), 'to_nchw'));
}

/** DepthToSpace: TF's order is ONNX's DCR; CRD is rearranged with reshapes and a transpose. */
function lowerDepthToSpace(g: Graph, n: Node): void {
  const b = n.getInt('blocksize', 1);
  const l = new Lowering(g, n);
  if (n.getString('mode', 'DCR') === 'CRD') {
    const s = staticShape(n.input(0));
    if (!s) throw unsupported(n, 'CRD mode needs a static input shape', 'mode');
    const [N, C, H, W] = s as [number, number, number, number];
    const c = C / (b * b);
    const r = l.op('Reshape', [n.input(0), l.ints('split', [N, c, b, b, H, W])], {}, 'split');
    const t = l.op('Transpose', [r], { perm: attr.ints([0, 1, 4, 2, 5, 3]) }, 'interleave');
    l.done(l.op('Reshape', [t, l.ints('merged', [N, c, H * b, W * b])], {}, 'merged'));
    return;
  }
  const y = l.tf('DepthToSpace', [l.transpose(n.input(0)!, toLast(4), 'to_nhwc')], {
    block_size: { i: String(b) },
  })[0]!;
  l.done(l.transpose(y, toFirst(4), 'to_nchw'));
}
