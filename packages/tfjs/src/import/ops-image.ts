// TF image and detection ops -> ONNX: resizes (with TF's align_corners / half_pixel_centers
// coordinate rules), top-k and non-max suppression (per-image boxes, TF's output conventions).
import { attr, type Attr, tensorType, type Value } from '@enxuto/ir';
import { attrBool, type TfNode } from '../graphdef.js';
import type { TfImporter } from './common.js';
import type { ImportContext } from './context.js';
import { inChannelsFirst } from './ops-nn.js';

/**
 * ResizeBilinear / ResizeNearestNeighbor on NHWC. TF.js's coordinate rules: align_corners maps
 * corner to corner; half_pixel_centers samples at (o + 0.5) * scale (- 0.5 for bilinear, clamped);
 * otherwise o * scale. Nearest rounds (align_corners) or floors.
 */
function resize(mode: 'linear' | 'nearest'): TfImporter {
  return (ctx, n) => {
    const align = attrBool(n, 'align_corners', false);
    const half = attrBool(n, 'half_pixel_centers', false);
    if (align && half) throw ctx.unsupported(n, 'align_corners and half_pixel_centers together', 'attr.align_corners');
    const attributes: Record<string, Attr> = {
      mode: attr.string(mode),
      coordinate_transformation_mode: attr.string(align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric'),
    };
    // half_pixel + round_prefer_ceil picks floor((o + 0.5) * scale), TF's half-pixel nearest.
    if (mode === 'nearest') attributes.nearest_mode = attr.string(align || half ? 'round_prefer_ceil' : 'floor');
    const hw = ctx.int64Of(ctx.input(n, 1), n, `${n.name}/sizes`);
    // Full [N, C, h, w] sizes, not the axes attribute: onnxruntime's transpose optimizer permutes
    // Resize's sizes as if they were always full (1.30 gathers 4 entries from a 2-entry axes form).
    return inChannelsFirst(ctx, n, 'NHWC', ctx.input(n, 0), (x) => {
      const nc = ctx.op(
        'Slice',
        [ctx.op('Shape', [x], {}, n.name), ctx.int64s(`${n.name}/zero`, [0]), ctx.int64s(`${n.name}/two`, [2])],
        {},
        n.name,
      );
      const sizes = ctx.op('Concat', [nc, hw], { axis: attr.int(0) }, `${n.name}/sizes`);
      sizes.type = tensorType('int64', [4]);
      return ctx.op('Resize', [x, null, null, sizes], attributes, n.name);
    });
  };
}

const topK: TfImporter = (ctx, n) => {
  const k = ctx.op(
    'Reshape',
    [ctx.int64Of(ctx.input(n, 1), n, `${n.name}/k`), ctx.int64s(`${n.name}/one`, [1])],
    {},
    n.name,
  );
  const node = ctx.node(
    'TopK',
    [ctx.input(n, 0), k],
    { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
    n.name,
    2,
  );
  return [node.outputs[0]!, ctx.cast(ctx.typed(node.outputs[1]!, 'int64'), 'int32', `${n.name}/indices`)];
};

const asVector = (ctx: ImportContext, n: TfNode, v: Value, what: string) =>
  ctx.op('Reshape', [v, ctx.int64s(`${n.name}/${what}_shape`, [1])], {}, `${n.name}/${what}`);

/**
 * NonMaxSuppressionV2..V5: boxes [N, 4], scores [N]. ONNX NonMaxSuppression runs on [1, N, 4] and
 * [1, 1, N] and returns (batch, class, box) triples; the box column is TF's selected_indices.
 */
function nms(version: 2 | 3 | 4 | 5): TfImporter {
  return (ctx, n) => {
    const boxes = ctx.input(n, 0);
    const scores = ctx.input(n, 1);
    const maxOut = ctx.int64Of(ctx.input(n, 2), n, `${n.name}/max_output_size`);
    // One batch, one class (the shapes say so, for writers that map back to TF's op).
    const batched = ctx.op('Unsqueeze', [boxes, ctx.int64s(`${n.name}/batch_axis`, [0])], {}, n.name);
    batched.type = tensorType(boxes.dtype ?? 'float32', [1, null, 4]);
    const perClass = ctx.op('Unsqueeze', [scores, ctx.int64s(`${n.name}/batch_class_axes`, [0, 1])], {}, n.name);
    perClass.type = tensorType(scores.dtype ?? 'float32', [1, 1, null]);
    const inputs: (Value | null)[] = [
      batched,
      perClass,
      asVector(ctx, n, maxOut, 'max_output'),
      asVector(ctx, n, ctx.input(n, 3), 'iou_threshold'),
    ];
    if (version >= 3) inputs.push(asVector(ctx, n, ctx.input(n, 4), 'score_threshold'));
    if (version === 5) {
      const sigma = ctx.input(n, 5);
      const s = sigma.const?.toFloat32();
      if (!s || s.some((v) => v !== 0))
        throw ctx.unsupported(n, 'soft-NMS (soft_nms_sigma other than a constant 0)', 'soft_nms_sigma');
    }
    const triples = ctx.op('NonMaxSuppression', inputs, { center_point_box: attr.int(0) }, n.name);
    const selected = ctx.op(
      'Gather',
      [triples, ctx.int64s(`${n.name}/box_column`, [2], [])],
      { axis: attr.int(1) },
      `${n.name}/selected`,
    );
    const count = ctx.op(
      'Slice',
      [ctx.op('Shape', [selected], {}, n.name), ctx.int64s(`${n.name}/zero`, [0]), ctx.int64s(`${n.name}/one`, [1])],
      {},
      n.name,
    );
    const pad = version >= 4 && attrBool(n, 'pad_to_max_output_size', false);
    // TF pads indices (and scores) with zeros up to max_output_size.
    const padTo = (v: Value, base: string) =>
      pad
        ? ctx.op(
            'Pad',
            [
              v,
              ctx.op(
                'Concat',
                [ctx.int64s(`${base}/before`, [0]), ctx.op('Sub', [asVector(ctx, n, maxOut, 'max'), count], {}, base)],
                { axis: attr.int(0) },
                base,
              ),
            ],
            {},
            base,
          )
        : v;
    const indices = ctx.cast(ctx.typed(padTo(selected, `${n.name}/indices`), 'int64'), 'int32', `${n.name}/indices`);
    const valid = ctx.cast(
      ctx.typed(ctx.op('Squeeze', [count, ctx.int64s(`${n.name}/scalar`, [0])], {}, n.name), 'int64'),
      'int32',
      `${n.name}/valid_outputs`,
    );
    if (version <= 3) return [indices];
    if (version === 4) return [indices, valid];
    const picked = padTo(ctx.op('Gather', [scores, selected], { axis: attr.int(0) }, n.name), `${n.name}/scores`);
    return [indices, picked, valid];
  };
}

export const IMAGE_IMPORTERS: [string, TfImporter][] = [
  ['ResizeBilinear', resize('linear')],
  ['ResizeNearestNeighbor', resize('nearest')],
  ['TopKV2', topK],
  ['NonMaxSuppressionV2', nms(2)],
  ['NonMaxSuppressionV3', nms(3)],
  ['NonMaxSuppressionV4', nms(4)],
  ['NonMaxSuppressionV5', nms(5)],
];
