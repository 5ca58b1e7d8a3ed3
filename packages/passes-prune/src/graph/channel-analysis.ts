// Structured pruning, analysis half: follow each prunable layer's output channels through the
// graph and record every tensor that must shrink with them, without changing anything yet.
// Producers are Conv (group 1) / Gemm / MatMul with constant weights. Channels pass through
// element-wise activations, pooling, BatchNormalization, per-channel constants, depthwise Conv
// and Dropout; Flatten/Reshape turn each channel into a block of features; Concat stacks spaces;
// an Add/Mul of two tracked tensors ties their producers into one group pruned together.
// Anything else that reads a tracked tensor (or a graph output) leaves those producers unpruned.
import type { Graph, Node, Value } from '@enxuto/ir';

/** Channels of a tensor along `axis`: segments from producers (group ≥ 0) or fixed (-1). */
export interface Space {
  segs: { producer: number; size: number }[];
  axis: number;
  /** Features per channel after Flatten/Reshape (1 before; 0 = not known yet). */
  block: number;
}

export interface Producer {
  node: Node;
  weight: Value;
  /** Axis of output channels in the weight. */
  outAxis: number;
  bias: Value | undefined;
  /** Axis of the bias to slice (its last axis). */
  biasAxis: number;
  channels: number;
  /** The BatchNormalization right after it, for the bn-scale criterion. */
  bn?: Node;
}

export type Edit =
  /** Slice constant `value` along `axis` with the space's kept channels (× block). */
  | { kind: 'slice-const'; node: Node; input: number; axis: number; space: Space }
  /** Depthwise Conv on a tracked input: slice its weight/bias, set group. */
  | { kind: 'depthwise'; node: Node; space: Space }
  /** Reshape to [batch, features]: rewrite the shape constant. */
  | { kind: 'reshape'; node: Node; space: Space }
  /** A tracked value whose declared shape changes at `axis`. */
  | { kind: 'shape'; value: Value; space: Space };

export interface ChannelAnalysis {
  producers: Producer[];
  /** Union-find parent per producer: producers tied by Add/Mul/Concat-free merges share a root. */
  parent: number[];
  blocked: Set<number>;
  edits: Edit[];
  /** Why producers were left alone, for the log. */
  reasons: Map<number, string>;
}

const PASS_THROUGH = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'Selu',
  'Softplus',
  'Softsign',
  'HardSigmoid',
  'HardSwish',
  'Mish',
  'Gelu',
  'Identity',
  'Dropout',
  'Clip',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'LpPool',
  'Abs',
  'Neg',
]);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div']);

export function find(parent: number[], i: number): number {
  while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
  return i;
}

export function spaceSize(s: Space): number {
  return s.segs.reduce((a, g) => a + g.size, 0);
}

export function analyzeChannels(g: Graph): ChannelAnalysis {
  const producers: Producer[] = [];
  const parent: number[] = [];
  const blocked = new Set<number>();
  const reasons = new Map<number, string>();
  const edits: Edit[] = [];
  const spaces = new Map<Value, Space>();

  const block = (s: Space | undefined, why: string) => {
    for (const seg of s?.segs ?? []) {
      if (seg.producer < 0) continue;
      blocked.add(seg.producer);
      if (!reasons.has(seg.producer)) reasons.set(seg.producer, why);
    }
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(parent, a), find(parent, b)];
    if (ra !== rb) parent[rb] = ra;
  };
  const track = (v: Value | null | undefined, s: Space) => {
    if (!v) return;
    spaces.set(v, s);
    if (typeof v.shape?.[s.axis] === 'number') edits.push({ kind: 'shape', value: v, space: s });
  };
  const constAt = (n: Node, i: number): Value | undefined => {
    const v = n.input(i);
    return v?.isInitializer() && v.const!.dtype === 'float32' ? v : undefined;
  };

  for (const node of g) {
    const tracked = node.inputs.map((v) => (v ? spaces.get(v) : undefined));
    const op = node.domain === '' ? node.opType : `${node.domain}.${node.opType}`;
    const x = tracked[0];
    const label = node.name || op;
    let handled = tracked.every((t) => t === undefined);

    if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') {
      const w = constAt(node, 1);
      const wShape = w ? [...w.const!.shape] : undefined;
      const group = node.getInt('group', 1);
      const tracksOnlyData = tracked.slice(1).every((t) => t === undefined);
      if (
        op === 'Conv' &&
        x &&
        w &&
        wShape &&
        tracksOnlyData &&
        group > 1 &&
        group === spaceSize(x) &&
        wShape[0] === group &&
        wShape[1] === 1
      ) {
        // Depthwise: channel c in -> channel c out.
        edits.push({ kind: 'depthwise', node, space: x });
        track(node.output(0), x);
        continue;
      }
      if (x && w && wShape && tracksOnlyData && (op !== 'Gemm' || node.getInt('transA', 0) === 0) && group === 1) {
        // A consumer: its weight loses the rows/columns of removed input channels.
        const inAxis = op === 'Conv' ? 1 : op === 'Gemm' && node.getInt('transB', 0) ? 1 : 0;
        const total = spaceSize(x);
        if (x.block === 0 && wShape[inAxis]! % total === 0) x.block = wShape[inAxis]! / total;
        if (x.block > 0 && wShape[inAxis] === total * x.block) {
          edits.push({ kind: 'slice-const', node, input: 1, axis: inAxis, space: x });
          handled = true;
        }
      }
      if (!handled) {
        for (const t of tracked) block(t, `read by ${label} (${op}) in a way channel pruning cannot rewrite`);
        handled = true;
      }
      // As a producer.
      const rank = node.output(0).shape?.length;
      const biasIndex = 2;
      const b = node.input(biasIndex);
      const biasConst = b ? constAt(node, biasIndex) : undefined;
      const outAxis = op === 'Conv' ? 0 : op === 'Gemm' && node.getInt('transB', 0) ? 0 : 1;
      if (
        w &&
        wShape &&
        group === 1 &&
        (op !== 'MatMul' || wShape.length === 2) &&
        (!b || biasConst) &&
        node.outputs.length === 1
      ) {
        const channels = wShape[outAxis]!;
        const bShape = biasConst ? [...biasConst.const!.shape] : [];
        const biasOk =
          !biasConst ||
          (bShape.length >= 1 && bShape.at(-1) === channels && bShape.slice(0, -1).every((d) => d === 1)) ||
          biasConst.const!.size === 1;
        if (biasOk) {
          const id = producers.length;
          producers.push({
            node,
            weight: w,
            outAxis,
            bias: biasConst && biasConst.const!.size > 1 ? biasConst : undefined,
            biasAxis: Math.max(0, bShape.length - 1),
            channels,
          });
          parent.push(id);
          const axis = op === 'Conv' ? 1 : (rank ?? 2) - 1;
          track(node.output(0), { segs: [{ producer: id, size: channels }], axis, block: 1 });
        }
      }
      continue;
    }

    if (handled) continue; // no tracked input
    const out = node.outputs[0] ?? null;

    if (PASS_THROUGH.has(op) && x && tracked.slice(1).every((t) => t === undefined)) {
      if (op === 'PRelu') {
        const slope = constAt(node, 1);
        const sShape = slope ? [...slope.const!.shape] : undefined;
        if (!slope || !sShape) {
          block(x, `${label}: PRelu slope is not a constant`);
          continue;
        }
        if (slope.const!.size > 1) {
          const pos = x.axis - (node.input(0)?.shape?.length ?? 4) + sShape.length;
          if (pos < 0 || sShape[pos] !== spaceSize(x) * x.block) {
            block(x, `${label}: PRelu slope is not per-channel`);
            continue;
          }
          edits.push({ kind: 'slice-const', node, input: 1, axis: pos, space: x });
        }
      }
      track(out, x);
      continue;
    }
    if (
      op === 'BatchNormalization' &&
      x &&
      x.block === 1 &&
      [1, 2, 3, 4].every((i) => constAt(node, i) && constAt(node, i)!.const!.size === spaceSize(x))
    ) {
      for (const i of [1, 2, 3, 4]) edits.push({ kind: 'slice-const', node, input: i, axis: 0, space: x });
      if (x.segs.length === 1 && x.segs[0]!.producer >= 0) producers[x.segs[0]!.producer]!.bn ??= node;
      track(out, x);
      continue;
    }
    if (BINARY.has(op) && node.inputs.length === 2) {
      const [a, b] = tracked;
      if (a && b) {
        const same =
          a.axis === b.axis &&
          a.block === b.block &&
          a.segs.length === b.segs.length &&
          a.segs.every((s, i) => s.size === b.segs[i]!.size);
        if (!same) {
          block(a, `${label}: inputs with different channel layouts`);
          block(b, `${label}: inputs with different channel layouts`);
          continue;
        }
        a.segs.forEach((s, i) => {
          const t = b.segs[i]!;
          if (s.producer >= 0 && t.producer >= 0) union(s.producer, t.producer);
          else if (s.producer !== t.producer) {
            block({ segs: [s, t], axis: 0, block: 1 }, `${label}: added to a tensor that cannot be pruned`);
          }
        });
        track(out, a);
        continue;
      }
      const t = (a ?? b)!;
      const ci = a ? 1 : 0;
      const c = constAt(node, ci);
      const rank = node.input(a ? 0 : 1)?.shape?.length ?? (t.axis === 1 && t.block === 1 ? 4 : 2);
      if (c) {
        const cShape = [...c.const!.shape];
        const pos = t.axis - rank + cShape.length;
        const dim = pos >= 0 ? cShape[pos] : 1;
        if (cShape.length <= rank && (dim === 1 || dim === spaceSize(t) * t.block)) {
          if (dim !== 1) edits.push({ kind: 'slice-const', node, input: ci, axis: pos, space: t });
          track(out, t);
          continue;
        }
      }
      block(t, `${label}: ${op} with a non-constant or non-per-channel operand`);
      continue;
    }
    if (op === 'Concat') {
      const rank = node.input(0)?.shape?.length ?? out?.shape?.length;
      const axisAttr = node.getInt('axis', 1);
      const axis = rank !== undefined && axisAttr < 0 ? axisAttr + rank : axisAttr;
      const first = tracked.find((t) => t);
      const segs: Space['segs'] = [];
      let ok = first !== undefined && first.block === 1 && first.axis === axis;
      for (let i = 0; ok && i < node.inputs.length; i++) {
        const t = tracked[i];
        if (t) {
          ok = t.axis === axis && t.block === 1;
          segs.push(...t.segs);
        } else {
          const size = node.input(i)?.shape?.[axis];
          ok = typeof size === 'number';
          if (ok) segs.push({ producer: -1, size: size as number });
        }
      }
      if (ok) {
        track(out, { segs, axis, block: 1 });
        continue;
      }
      for (const t of tracked) block(t, `${label}: Concat along another axis`);
      continue;
    }
    if (
      (op === 'Flatten' || op === 'Reshape') &&
      x &&
      x.axis === 1 &&
      x.block === 1 &&
      tracked.slice(1).every((t) => t === undefined)
    ) {
      const inShape = node.input(0)?.shape;
      const rest = inShape?.slice(2);
      const spatial = rest?.every((d): d is number => typeof d === 'number') ? rest.reduce((p, d) => p * d, 1) : 0;
      if (op === 'Flatten' && node.getInt('axis', 1) === 1) {
        track(out, { segs: x.segs, axis: 1, block: spatial });
        continue;
      }
      const shapeConst = node.input(1)?.isInitializer() ? node.input(1)!.const!.values() : undefined;
      if (op === 'Reshape' && shapeConst && shapeConst.length === 2) {
        const [d0, d1] = [Number(shapeConst[0]), Number(shapeConst[1])];
        const batchOk = d0 === -1 || d0 === 0 || (inShape !== undefined && d0 === inShape[0]);
        if (batchOk && (d1 === -1 || spatial === 0 || d1 === spaceSize(x) * spatial)) {
          const s: Space = { segs: x.segs, axis: 1, block: spatial };
          if (d1 !== -1) edits.push({ kind: 'reshape', node, space: s });
          track(out, s);
          continue;
        }
      }
    }
    for (const t of tracked) block(t, `read by ${label} (${op}), which channel pruning does not rewrite`);
  }
  for (const v of g.outputs) block(spaces.get(v), `${v.name} is a graph output`);
  return { producers, parent, blocked, edits, reasons };
}

/** Producers whose tracked outputs reach nodes inside subgraphs cannot be rewritten: block them. */
export function blockSubgraphUses(g: Graph, a: ChannelAnalysis): void {
  for (const e of a.edits) {
    if (e.kind !== 'shape') continue;
    if (e.value.uses().some((u) => u.node.graph !== g)) {
      for (const s of e.space.segs)
        if (s.producer >= 0) {
          a.blocked.add(s.producer);
          a.reasons.set(s.producer, `${e.value.name} is read inside a subgraph`);
        }
    }
  }
}
