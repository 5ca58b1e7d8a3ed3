// ONNX Resize of the two spatial axes of an NCHW (or, with axes [1, 2], NHWC) tensor -> TF.js's
// ResizeBilinear / ResizeNearestNeighbor, whose coordinate rules are TF's: align_corners,
// half_pixel_centers (sample at (o + 0.5) * in/out, minus 0.5 for bilinear), or o * in/out. Only
// the ONNX modes that compute the same samples map; the rest are refused with the reason.
import type { Graph, Node, Value } from '@enxuto/ir';
import { Lowering, staticShape, toFirst, toLast, unsupported } from './lower-common.js';

interface TfResize {
  op: 'ResizeBilinear' | 'ResizeNearestNeighbor';
  align: boolean;
  half: boolean;
}

/** Which TF resize computes this ONNX Resize; `ratio` is out/in when static (for nearest ties). */
function tfResizeOf(n: Node, ratio: number[] | undefined): TfResize {
  const mode = n.getString('mode', 'nearest');
  const ctm = n.getString('coordinate_transformation_mode', 'half_pixel');
  if (n.getInt('antialias', 0) !== 0) throw unsupported(n, 'antialias (TF.js resizes without a filter)', 'antialias');
  if (n.getString('keep_aspect_ratio_policy', 'stretch') !== 'stretch')
    throw unsupported(n, 'keep_aspect_ratio_policy other than stretch', 'keep_aspect_ratio_policy');
  if (mode === 'linear') {
    if (ctm === 'align_corners') return { op: 'ResizeBilinear', align: true, half: false };
    if (ctm === 'asymmetric') return { op: 'ResizeBilinear', align: false, half: false };
    // pytorch_half_pixel differs from half_pixel only for an output of size 1.
    if (ctm === 'half_pixel' || ctm === 'pytorch_half_pixel') return { op: 'ResizeBilinear', align: false, half: true };
    throw unsupported(n, `linear resize with coordinate_transformation_mode ${ctm}`, 'coordinate_transformation_mode');
  }
  if (mode !== 'nearest') throw unsupported(n, `mode ${mode} (TF.js has bilinear and nearest resizes)`, 'mode');
  const nearest = n.getString('nearest_mode', 'round_prefer_floor');
  if (ctm === 'asymmetric' && nearest === 'floor') return { op: 'ResizeNearestNeighbor', align: false, half: false };
  if (ctm === 'align_corners' && nearest === 'round_prefer_ceil')
    return { op: 'ResizeNearestNeighbor', align: true, half: false };
  if (ctm === 'half_pixel' || ctm === 'pytorch_half_pixel' || ctm === 'asymmetric') {
    // TF's half-pixel nearest takes floor((o + 0.5) * in/out): ONNX's rounding agrees away from ties,
    // and there are none when the output is a whole multiple of the input.
    const halfLike = ctm !== 'asymmetric';
    const noTies = ratio?.every((r) => Number.isInteger(r) && r >= 1) ?? false;
    if (halfLike && (nearest === 'round_prefer_ceil' || noTies))
      return { op: 'ResizeNearestNeighbor', align: false, half: true };
    if (!halfLike && noTies) return { op: 'ResizeNearestNeighbor', align: false, half: false };
  }
  throw unsupported(
    n,
    `nearest resize with ${ctm} and ${nearest} (no TF.js resize samples the same pixels)`,
    'nearest_mode',
  );
}

export function lowerResize(g: Graph, n: Node): void {
  const x = n.input(0)!;
  const lengthOf = (v: Value | null | undefined) => v?.const?.size ?? (v?.shape?.length === 1 ? v.shape[0] : undefined);
  const rank = x.shape?.length ?? (n.getInts('axes') ? undefined : (lengthOf(n.input(3)) ?? lengthOf(n.input(2))));
  if (rank !== 4) throw unsupported(n, 'only rank-4 images resize in TF.js', 'X');
  const axesAttr = n.getInts('axes');
  const nhwc = axesAttr?.length === 2 && axesAttr[0] === 1 && axesAttr[1] === 2;
  if (axesAttr && !nhwc && !(axesAttr.length === 2 && axesAttr[0] === 2 && axesAttr[1] === 3))
    throw unsupported(n, `resizing axes ${axesAttr.join(',')} (only the two spatial axes)`, 'axes');
  const hw = nhwc ? [1, 2] : [2, 3];
  const l = new Lowering(g, n);
  const inShape = staticShape(x);
  const sizes = n.input(3);
  const scales = n.input(2);
  let size: Value;
  let ratio: number[] | undefined;
  if (sizes) {
    const full = !axesAttr;
    const c = sizes.const ? Array.from(sizes.const.values() as ArrayLike<number | bigint>, Number) : undefined;
    const picked = c ? (full ? hw.map((i) => c[i]!) : c) : undefined;
    if (c && full && [0, 1, 2, 3].some((i) => !hw.includes(i) && inShape && c[i] !== inShape[i]))
      throw unsupported(n, 'resizing an axis other than height and width', 'sizes');
    size = picked
      ? l.ints('size', picked)
      : l.op(
          'Slice',
          [sizes, l.ints('hw_b', [full ? hw[0]! : 0]), l.ints('hw_e', [full ? hw[1]! + 1 : 2])],
          {},
          'size',
        );
    if (picked && inShape) ratio = picked.map((d, i) => d / inShape[hw[i]!]!);
  } else if (scales?.const) {
    const s = scales.const.toFloat32();
    const picked = axesAttr ? [s[0]!, s[1]!] : hw.map((i) => s[i]!);
    if (!axesAttr && [0, 1, 2, 3].some((i) => !hw.includes(i) && s[i] !== 1))
      throw unsupported(n, 'scaling an axis other than height and width', 'scales');
    if (!inShape) throw unsupported(n, 'constant scales need static spatial sizes', 'scales');
    const out = picked.map((f, i) => Math.floor(inShape[hw[i]!]! * f));
    size = l.ints('size', out);
    ratio = out.map((d, i) => d / inShape[hw[i]!]!);
  } else throw unsupported(n, 'needs constant scales or a sizes input', 'sizes');
  const tf = tfResizeOf(n, ratio);
  const images = nhwc ? x : l.transpose(x, toLast(4), 'to_nhwc');
  const y = l.tf(tf.op, [images, size], {
    align_corners: { b: tf.align },
    half_pixel_centers: { b: tf.half },
  })[0]!;
  l.done(nhwc ? y : l.transpose(y, toFirst(4), 'to_nchw'));
}
