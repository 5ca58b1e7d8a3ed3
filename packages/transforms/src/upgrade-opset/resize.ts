// Upsample and Resize across opsets 7-11. Upsample-7/9 and Resize-10 all compute
// out[i] = in[floor(i / scale)] (nearest) or linear interpolation with the same asymmetric
// coordinate mapping; Resize-11 made half_pixel the default, so the old meaning is spelled out.
import { attr, dropUnusedInitializers, float32Tensor, type Node, type Value } from '@enxuto/ir';
import { constantValue, refuse, setConstInput } from './node-edits.js';

/** Upsample-1 (width_scale/height_scale on NCHW) to Upsample-7 (scales). */
export function upsampleScalesAttribute(node: Node, version: number): void {
  const w = node.getFloat('width_scale');
  const h = node.getFloat('height_scale');
  if (w === undefined || h === undefined) {
    if (node.attr('scales')) return;
    refuse(node, version, 'Upsample-1 needs width_scale and height_scale');
  }
  node.setAttr('scales', attr.floats([1, 1, h, w]));
  node.setAttr('width_scale', undefined);
  node.setAttr('height_scale', undefined);
}

/** Upsample-7 (scales attribute) to Upsample-9 (scales input). */
export function upsampleScalesInput(node: Node): void {
  const scales = node.getFloats('scales');
  if (!scales) return;
  setConstInput(node, 1, float32Tensor([scales.length], scales), 'scales');
  node.setAttr('scales', undefined);
}

/** Resizes that were Upsamples, whose scales are >= 1 by definition (so nearest always floors). */
const fromUpsample = new WeakSet<Node>();

/** Upsample (deprecated at 10) becomes Resize-10, which has the same inputs and meaning. */
export function upsampleToResize(node: Node): void {
  node.opType = 'Resize';
  fromUpsample.add(node);
  if (!node.attr('mode')) node.setAttr('mode', attr.string('nearest'));
}

/**
 * Resize-10 to Resize-11: roi joins the inputs (empty: it only matters for tf_crop_and_resize) and
 * Resize-10's mapping becomes explicit: asymmetric coordinates; nearest pixels floored when an axis
 * grows and rounded up when it shrinks (what onnxruntime does for Resize-10). Nearest resizing is
 * separable, so mixed scales become two Resizes, the shrinking axes first.
 */
export function resizeRoiAndMapping(node: Node, version: number): void {
  const scales = node.input(1);
  if (node.getString('mode', 'nearest') !== 'nearest') {
    asResize11(node, scales);
    return;
  }
  const s = constantValue(scales)?.toFloat32();
  if (!s) {
    if (!fromUpsample.has(node))
      refuse(node, version, 'nearest Resize-10 rounds by whether each scale shrinks: its scales must be constants');
    asResize11(node, scales, 'floor');
    return;
  }
  const shrinking = Array.from(s, (v) => Math.min(v, 1));
  const growing = Array.from(s, (v) => Math.max(v, 1));
  const shrinks = shrinking.some((v) => v < 1);
  if (shrinks && growing.some((v) => v > 1)) {
    const g = node.graph;
    const first = g.insertBefore(node, {
      opType: 'Resize',
      name: g.uniqueName(`${node.name || 'resize'}_shrink`),
      inputs: [node.input(0)],
      outputs: [g.uniqueName(`${node.output(0).name}_shrunk`)],
      attributes: { mode: attr.string('nearest') },
    });
    asResize11(first, shrinking, 'ceil');
    g.setInput(node, 0, first.output(0));
    asResize11(node, growing, 'floor');
  } else {
    asResize11(node, Array.from(s), shrinks ? 'ceil' : 'floor');
  }
  dropUnusedInitializers(node.graph, [scales]);
}

function asResize11(node: Node, scales: Value | null | number[], nearest?: 'floor' | 'ceil'): void {
  if (Array.isArray(scales)) setConstInput(node, 2, float32Tensor([scales.length], scales), 'scales');
  else node.graph.setInput(node, 2, scales);
  setConstInput(node, 1, float32Tensor([0], []), 'roi');
  node.setAttr('coordinate_transformation_mode', attr.string('asymmetric'));
  if (nearest) node.setAttr('nearest_mode', attr.string(nearest));
}
