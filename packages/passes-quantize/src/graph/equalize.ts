// Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization"): for two layers in a row
// with only positively homogeneous ops between them (Relu, MaxPool, AveragePool, Flatten/Reshape),
// scale output channel i of the first by 1/s_i and input channel i of the second by s_i with
// s_i = sqrt(r1_i / r2_i), so both get the same per-channel range sqrt(r1_i r2_i). The float
// function is unchanged; per-tensor quantization then loses much less.
import { constOf, soleConsumer, tensorFromValues, type Graph, type Node, type Tensor, type Value } from '@enxuto/ir';

const HOMOGENEOUS = new Set([
  'Relu',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Flatten',
  'Reshape',
  'Identity',
]);

interface Layer {
  node: Node;
  w: Value;
  b: Value | null;
}

export interface EqualizePair {
  first: string;
  second: string;
  /** Range ratio max/min over channels of the first layer's weights, before and after. */
  spreadBefore: number;
  spreadAfter: number;
}

function asLayer(n: Node): Layer | undefined {
  if (n.domain !== '') return undefined;
  const w = n.inputs[1];
  const t = constOf(w);
  if (!w || !t || t.dtype !== 'float32') return undefined;
  const b = n.inputs[2] ?? null;
  if (b && (!constOf(b) || constOf(b)!.dtype !== 'float32')) return undefined;
  if (n.opType === 'Conv' && n.getInt('group', 1) === 1 && t.shape.length >= 3) return { node: n, w, b };
  if (n.opType === 'Gemm' && t.shape.length === 2 && n.getInt('transA', 0) === 0) return { node: n, w, b };
  return undefined;
}

/** Output channels of a layer: [count, element -> channel mapping]. */
function outChannels(l: Layer): { count: number; channelOf: (i: number) => number } {
  const t = constOf(l.w)!;
  if (l.node.opType === 'Conv') {
    const per = t.size / t.shape[0]!;
    return { count: t.shape[0]!, channelOf: (i) => Math.floor(i / per) };
  }
  const [r, c] = t.shape as [number, number];
  return l.node.getInt('transB', 0)
    ? { count: r, channelOf: (i) => Math.floor(i / c) }
    : { count: c, channelOf: (i) => i % c };
}

/** Input index (K) of each weight element of a layer, grouped into `channels` (K / channels per channel). */
function inChannels(l: Layer, channels: number): ((i: number) => number) | undefined {
  const t = constOf(l.w)!;
  if (l.node.opType === 'Conv') {
    const [, cin] = t.shape as [number, number];
    if (cin !== channels) return undefined;
    const inner = t.size / (t.shape[0]! * cin);
    return (i) => Math.floor(i / inner) % cin;
  }
  const [r, c] = t.shape as [number, number];
  const k = l.node.getInt('transB', 0) ? c : r;
  if (k % channels !== 0) return undefined;
  const per = k / channels; // a flattened [C, H, W] input: H*W consecutive features per channel
  return l.node.getInt('transB', 0) ? (i) => Math.floor((i % c) / per) : (i) => Math.floor(Math.floor(i / c) / per);
}

function pairs(g: Graph): [Layer, Layer][] {
  const out: [Layer, Layer][] = [];
  for (const n of g) {
    const a = asLayer(n);
    if (!a) continue;
    let v = n.outputs[0]!;
    let next = soleConsumer(v);
    while (next && HOMOGENEOUS.has(next.opType) && next.domain === '' && next.inputs[0] === v) {
      v = next.outputs[0]!;
      next = soleConsumer(v);
    }
    const b = next && next.inputs[0] === v ? asLayer(next) : undefined;
    if (b) out.push([a, b]);
  }
  return out;
}

function absMaxBy(t: Float32Array, count: number, channelOf: (i: number) => number): Float64Array {
  const r = new Float64Array(count);
  for (let i = 0; i < t.length; i++) {
    const a = Math.abs(t[i]!);
    const c = channelOf(i);
    if (a > r[c]! && Number.isFinite(a)) r[c] = a;
  }
  return r;
}

function spread(r: Float64Array): number {
  let lo = Infinity;
  let hi = 0;
  for (const x of r) {
    if (x > 0 && x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo === Infinity ? 1 : hi / lo;
}

export function equalizeCrossLayer(g: Graph, opts: { iterations?: number } = {}): EqualizePair[] {
  const found = pairs(g);
  const report: EqualizePair[] = [];
  for (let it = 0; it < (opts.iterations ?? 4); it++) {
    for (const [a, b] of found) {
      // A weight shared with another node cannot be rescaled for this pair alone.
      if ([a.w, b.w, a.b].some((v) => v && v.uses().length !== 1)) continue;
      const { count, channelOf } = outChannels(a);
      const inOf = inChannels(b, count);
      if (!inOf) continue;
      const w1 = Float32Array.from(constOf(a.w)!.toFloat32());
      const w2 = Float32Array.from(constOf(b.w)!.toFloat32());
      const r1 = absMaxBy(w1, count, channelOf);
      const r2 = absMaxBy(w2, count, inOf);
      const s = new Float64Array(count);
      for (let c = 0; c < count; c++) s[c] = r1[c]! > 0 && r2[c]! > 0 ? Math.sqrt(r1[c]! / r2[c]!) : 1;
      for (let i = 0; i < w1.length; i++) w1[i] = w1[i]! / s[channelOf(i)]!;
      for (let i = 0; i < w2.length; i++) w2[i] = w2[i]! * s[inOf(i)]!;
      setWeight(g, a.w, constOf(a.w)!, w1);
      setWeight(g, b.w, constOf(b.w)!, w2);
      if (a.b) {
        const bias = Float32Array.from(constOf(a.b)!.toFloat32());
        if (bias.length === count) {
          for (let c = 0; c < count; c++) bias[c] = bias[c]! / s[c]!;
          setWeight(g, a.b, constOf(a.b)!, bias);
        }
      }
      if (it === 0)
        report.push({ first: a.node.label(), second: b.node.label(), spreadBefore: spread(r1), spreadAfter: 0 });
      const entry = report.find((p) => p.first === a.node.label() && p.second === b.node.label());
      if (entry) entry.spreadAfter = spread(absMaxBy(w1, count, channelOf));
    }
  }
  return report;
}

function setWeight(g: Graph, v: Value, old: Tensor, data: Float32Array): void {
  g.setConst(v, tensorFromValues('float32', old.shape, data));
}
