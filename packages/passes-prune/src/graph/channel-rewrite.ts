// Structured pruning, rewrite half: given the channels each producer keeps, slice every weight,
// bias, per-channel constant and shape recorded by the analysis. Nothing is approximated: the
// kept channels compute exactly what they computed before.
import { float32Tensor, int64Tensor, attr, type Graph, type Node, type Value } from '@enxuto/ir';
import { sliceAxis } from '../kernels/channel-scores.js';
import type { ChannelAnalysis, Space } from './channel-analysis.js';

/** Indices kept along a space's axis (channels expanded by the block), or undefined if all are kept. */
export function keptIndices(s: Space, keep: ReadonlyMap<number, readonly number[]>): number[] | undefined {
  const out: number[] = [];
  let offset = 0;
  let changed = false;
  const block = Math.max(1, s.block);
  for (const seg of s.segs) {
    const k = seg.producer >= 0 ? keep.get(seg.producer) : undefined;
    const list = k ?? Array.from({ length: seg.size }, (_, i) => i);
    if (list.length !== seg.size) changed = true;
    for (const c of list) for (let j = 0; j < block; j++) out.push((offset + c) * block + j);
    offset += seg.size;
  }
  return changed ? out : undefined;
}

/** Replaces input `index` of `node` with a new initializer (the old one stays for other readers). */
function setConstInput(
  g: Graph,
  node: Node,
  index: number,
  shape: number[],
  data: Float32Array | BigInt64Array,
  old: Value,
): void {
  const t = data instanceof Float32Array ? float32Tensor(shape, data) : int64Tensor(shape, data);
  if (old.uses().length === 1 && !old.isGraphInput() && !old.isGraphOutput()) {
    g.setConst(old, t);
    return;
  }
  const v = g.addInitializer(g.uniqueName(`${old.name}_pruned`), t);
  g.setInput(node, index, v);
}

function sliceConstInput(g: Graph, node: Node, index: number, axis: number, keep: number[]): void {
  const v = node.input(index)!;
  const t = v.const!;
  const shape = [...t.shape];
  const data = sliceAxis(t.toFloat32(), shape, axis, keep);
  shape[axis] = keep.length;
  setConstInput(g, node, index, shape, data, v);
}

/** Applies the kept channels of every producer (map producer id -> kept channel indices). */
export function rewriteChannels(g: Graph, a: ChannelAnalysis, keep: ReadonlyMap<number, readonly number[]>): void {
  // Producers first: their weights and biases lose output channels.
  keep.forEach((channels, id) => {
    const p = a.producers[id]!;
    if (channels.length === p.channels) return;
    sliceConstInput(g, p.node, 1, p.outAxis, [...channels]);
    if (p.bias) sliceConstInput(g, p.node, 2, p.biasAxis, [...channels]);
  });
  for (const e of a.edits) {
    const kept = keptIndices(e.space, keep);
    if (!kept) continue;
    switch (e.kind) {
      case 'slice-const':
        sliceConstInput(g, e.node, e.input, e.axis, kept);
        break;
      case 'depthwise': {
        sliceConstInput(g, e.node, 1, 0, kept);
        const b = e.node.input(2);
        if (b?.isInitializer() && b.const!.size > 1) sliceConstInput(g, e.node, 2, 0, kept);
        e.node.setAttr('group', attr.int(kept.length));
        break;
      }
      case 'reshape': {
        const v = e.node.input(1)!;
        const old = v.const!.values();
        setConstInput(g, e.node, 1, [2], BigInt64Array.from([BigInt(Number(old[0])), BigInt(kept.length)]), v);
        break;
      }
      case 'shape': {
        const shape = e.value.shape;
        if (shape && e.value.type && (e.value.type.kind === 'tensor' || e.value.type.kind === 'sparse-tensor')) {
          const dims = [...shape];
          dims[e.space.axis] = kept.length;
          e.value.type = { ...e.value.type, shape: dims };
        }
        break;
      }
    }
  }
}
