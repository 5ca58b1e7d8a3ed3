// Pad folding: a zero constant Pad of the spatial dims whose only reader is a Conv (explicit pads,
// no auto_pad) becomes part of that Conv's pads: one op less, and the quantizer sees Conv's input.
import { attr, constOf, dropUnusedInitializers, walkGraphs, type Model, type Node } from '@enxuto/ir';

/** The Pad's pads (begin..., end...) over all dims, when constant, zero-valued and constant-mode. */
function zeroPads(pad: Node): number[] | undefined {
  if (pad.domain !== '' || pad.getString('mode', 'constant') !== 'constant') return undefined;
  const given = pad.input(1) ? constOf(pad.input(1)) : undefined;
  const pads = given ? Array.from(given.values() as ArrayLike<number | bigint>, Number) : pad.getInts('pads');
  if (!pads) return undefined;
  const value = pad.input(2) ? constOf(pad.input(2)) : undefined;
  if (pad.input(2) && (!value || value.toFloat32().some((v) => v !== 0))) return undefined;
  if ((pad.getFloat('value') ?? 0) !== 0) return undefined;
  const axes = pad.input(3);
  if (!axes) return pads;
  // Pad-18 with axes: spread the given pads over every dim.
  const a = constOf(axes);
  const rank = pad.input(0)?.shape?.length;
  if (!a || rank === undefined) return undefined;
  const full = Array<number>(2 * rank).fill(0);
  const list = Array.from(a.values() as ArrayLike<number | bigint>, (v) => (Number(v) + rank) % rank);
  list.forEach((d, i) => {
    full[d] = pads[i]!;
    full[d + rank] = pads[i + list.length]!;
  });
  return full;
}

function tryFold(pad: Node): boolean {
  const y = pad.outputs[0];
  if (!y || y.isGraphOutput() || y.uses().length !== 1) return false;
  const conv = y.uses()[0]!.node;
  if (conv.opType !== 'Conv' || conv.domain !== '' || conv.input(0) !== y) return false;
  // VALID is NOTSET with zero pads (TFLite and TF.js imports write it with an explicit Pad before).
  const autoPad = conv.getString('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return false;
  const pads = zeroPads(pad);
  const rank = pads ? pads.length / 2 : 0;
  if (!pads || rank < 3 || pads.some((p) => p < 0)) return false;
  // Batch and channel dims must stay as they are.
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1]) return false;
  const spatial = rank - 2;
  const convPads =
    autoPad === 'VALID' ? Array<number>(2 * spatial).fill(0) : conv.getInts('pads', Array<number>(2 * spatial).fill(0));
  if (convPads.length !== 2 * spatial) return false;
  const merged = convPads.map((p, i) => p + pads[i < spatial ? 2 + i : rank + 2 + (i - spatial)]!);
  conv.setAttr('pads', attr.ints(merged));
  if (autoPad === 'VALID') conv.setAttr('auto_pad', attr.string('NOTSET'));
  const g = pad.graph;
  g.setInput(conv, 0, pad.input(0));
  const inputs = [...pad.inputs];
  g.remove(pad);
  dropUnusedInitializers(g, inputs);
  return true;
}

/** Folds zero Pads into the Convs that read them, in every graph of `model`, in place. */
export function foldPadIntoConv(model: Model): { folded: number } {
  let folded = 0;
  for (const g of walkGraphs(model.graph)) {
    for (const n of [...g.nodes]) if (!n.isRemoved() && n.opType === 'Pad' && tryFold(n)) folded++;
  }
  return { folded };
}
