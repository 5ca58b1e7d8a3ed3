// Derives a student from a teacher: hidden Gemm / MatMul / Conv layers get `multiplier` times
// their output width, the layers they feed get the matching input width, and every weight is
// re-initialised (He-uniform before a ReLU-like activation, Glorot-uniform otherwise; seeded).
// The input and output widths of the model do not change. A layer whose output reaches anything
// other than simple per-channel ops (a residual Add, a Concat...) keeps its width, so the result
// is always a valid model.
import {
  cloneModel,
  ConfigError,
  float32Tensor,
  int64Tensor,
  tensorType,
  type Model,
  type Node,
  type Value,
} from '@enxuto/ir';
import { findWeights, type WeightRef } from '@enxuto/pass';
import { initWeights, type InitKind } from '../kernels/init.js';
import { seededRandom } from '@enxuto/train';

export interface ShrinkOptions {
  /** Factor for every hidden width, in (0, 1] (0.5 halves them). */
  widthMultiplier: number;
  /** Seed of the re-initialisation. */
  seed?: number;
  /** Smallest width a layer may get (default 1). */
  minWidth?: number;
}

export interface ShrunkLayer {
  node: string;
  from: number;
  to: number;
}

export interface ShrinkResult {
  model: Model;
  layers: ShrunkLayer[];
  /** Layers left at full width, and why. */
  kept: { node: string; reason: string }[];
}

/** Ops that act per element or per channel: a narrower input gives an equally narrower output. */
const ELEMENTWISE = new Set([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'Selu',
  'Gelu',
  'Softplus',
  'HardSigmoid',
  'HardSwish',
  'Clip',
  'Dropout',
  'Identity',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'PRelu',
]);
const BIAS_OPS = new Set(['Add', 'Sub', 'Mul', 'Div']);
const RELU_LIKE = new Set(['Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Gelu', 'HardSwish']);

interface Layer {
  node: Node;
  weight: Value;
  bias: Value | undefined;
  /** Output width (units or channels) and input width. */
  outWidth: number;
  inWidth: number;
  kind: 'gemm' | 'matmul' | 'conv';
}

function asLayer({ node, source: w }: WeightRef): Layer | undefined {
  const s = w.const!.shape;
  if (node.opType === 'Gemm' && s.length === 2) {
    if (node.getInt('transA', 0) !== 0) return undefined;
    const transB = node.getInt('transB', 0) !== 0;
    const bias = node.input(2) ?? undefined;
    if (bias && (!bias.isInitializer() || bias.const!.dtype !== 'float32')) return undefined;
    return { node, weight: w, bias, outWidth: transB ? s[0]! : s[1]!, inWidth: transB ? s[1]! : s[0]!, kind: 'gemm' };
  }
  if (node.opType === 'MatMul' && s.length === 2)
    return { node, weight: w, bias: undefined, outWidth: s[1]!, inWidth: s[0]!, kind: 'matmul' };
  if (node.opType === 'Conv' && s.length >= 3 && node.getInt('group', 1) === 1) {
    const bias = node.input(2) ?? undefined;
    if (bias && (!bias.isInitializer() || bias.const!.dtype !== 'float32')) return undefined;
    return { node, weight: w, bias, outWidth: s[0]!, inWidth: s[1]!, kind: 'conv' };
  }
  return undefined;
}

/** A per-channel constant operand (`size` = width or 1) and the axis holding the width. */
function channelAxis(v: Value, width: number): number | 'scalar' | undefined {
  const t = v.const;
  if (t?.dtype !== 'float32') return undefined;
  if (t.size === 1) return 'scalar';
  const axes = t.shape.map((d, i) => (d === width ? i : -1)).filter((i) => i >= 0);
  return t.size === width && axes.length === 1 ? axes[0] : undefined;
}

interface Region {
  /** Ops between the layer and its consumers, with the per-channel constants to slice. */
  consts: { value: Value; axis: number }[];
  /** Values whose shape changes. */
  values: Value[];
  /** Consumer layers and the factor their input width is per output channel (spatial size after a Flatten). */
  consumers: { layer: Node; perChannel: number }[];
  /** Reshape shape constants to rewrite. */
  reshapes: { value: Value; axis: number; perChannel: number }[];
  firstActivation: string | undefined;
  blocked?: string;
}

/** Follows the layer's output through per-channel ops to the next layers. */
function regionOf(layer: Layer, layers: ReadonlyMap<Node, Layer>): Region {
  const region: Region = { consts: [], values: [], consumers: [], reshapes: [], firstActivation: undefined };
  const width = layer.outWidth;
  const seen = new Set<Value>();
  const walk = (v: Value, perChannel: number): void => {
    if (region.blocked || seen.has(v)) return;
    seen.add(v);
    region.values.push(v);
    if (v.isGraphOutput()) {
      region.blocked = `its output ${v.name} is a graph output`;
      return;
    }
    for (const { node, index } of v.uses()) {
      const consumer = layers.get(node);
      if (consumer && index === 0) {
        region.consumers.push({ layer: node, perChannel });
        continue;
      }
      const op = node.opType;
      if (ELEMENTWISE.has(op) && index === 0) {
        if (region.firstActivation === undefined && RELU_LIKE.has(op)) region.firstActivation = op;
        if (op === 'PRelu') {
          const slope = node.input(1);
          const axis = slope ? channelAxis(slope, width) : undefined;
          if (axis === undefined) return void (region.blocked = `${node.label()} has a slope that is not per channel`);
          if (axis !== 'scalar') region.consts.push({ value: slope!, axis });
        }
        walk(node.output(0), perChannel);
      } else if (op === 'BatchNormalization' && index === 0) {
        for (let i = 1; i <= 4; i++) {
          const p = node.input(i);
          const axis = p ? channelAxis(p, width) : undefined;
          if (axis === undefined || axis === 'scalar')
            return void (region.blocked = `${node.label()} has parameters that are not per channel`);
          region.consts.push({ value: p!, axis });
        }
        walk(node.output(0), perChannel);
      } else if (BIAS_OPS.has(op) && node.inputs.length === 2) {
        const other = node.input(1 - index);
        const axis = other ? channelAxis(other, width) : undefined;
        if (axis === undefined)
          return void (region.blocked = `${node.label()} mixes it with a value that is not a per-channel constant`);
        if (axis !== 'scalar') region.consts.push({ value: other!, axis });
        walk(node.output(0), perChannel);
      } else if (op === 'Flatten' && index === 0 && node.getInt('axis', 1) === 1) {
        const shape = v.shape;
        const spatial =
          shape && shape.length > 2 && shape.slice(2).every((d) => typeof d === 'number')
            ? (shape.slice(2) as number[]).reduce((a, b) => a * b, 1)
            : shape?.length === 2
              ? 1
              : undefined;
        if (spatial === undefined) return void (region.blocked = `${node.label()} flattens a value of unknown shape`);
        walk(node.output(0), perChannel * spatial);
      } else if (op === 'Reshape' && index === 0) {
        const s = node.input(1);
        const dims = s?.const?.values();
        const shape = v.shape;
        if (dims?.length !== 2 || !shape || !shape.slice(1).every((d) => typeof d === 'number')) {
          return void (region.blocked = `${node.label()} is a reshape other than a flatten to [N, -1]`);
        }
        const spatial = (shape.slice(2) as number[]).reduce((a, b) => a * b, 1);
        const second = Number(dims[1]);
        if (second === -1) walk(node.output(0), perChannel * spatial);
        else if (second === width * perChannel * spatial) {
          region.reshapes.push({ value: s!, axis: 1, perChannel: perChannel * spatial });
          walk(node.output(0), perChannel * spatial);
        } else return void (region.blocked = `${node.label()} reshapes to [${dims.join(',')}]`);
      } else {
        region.blocked = `it feeds ${node.label()} (${op})`;
        return;
      }
    }
  };
  walk(layer.node.output(0), 1);
  return region;
}

function sliceAlong(
  data: Float32Array,
  shape: readonly number[],
  axis: number,
  keep: number,
): { data: Float32Array; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * keep * inner);
  for (let o = 0; o < outer; o++)
    out.set(data.subarray(o * shape[axis]! * inner, o * shape[axis]! * inner + keep * inner), o * keep * inner);
  const newShape = [...shape];
  newShape[axis] = keep;
  return { data: out, shape: newShape };
}

export function shrinkWidths(source: Model, options: ShrinkOptions): ShrinkResult {
  const m = options.widthMultiplier;
  if (!(m > 0 && m <= 1)) {
    throw new ConfigError(`widthMultiplier must be in (0, 1], got ${m}`, {
      code: 'distill/bad-width',
      field: 'student.widthMultiplier',
    });
  }
  const minWidth = options.minWidth ?? 1;
  const model = cloneModel(source);
  const g = model.graph;
  const layers = new Map<Node, Layer>();
  // Weights read directly only: a student's layers are re-initialised in place.
  for (const ref of findWeights(g, { ops: ['Gemm', 'MatMul', 'Conv'], views: [] })) {
    const l = asLayer(ref);
    if (l) layers.set(ref.node, l);
  }
  const newOut = new Map<Node, number>();
  const newIn = new Map<Node, number>();
  const regions = new Map<Node, Region>();
  const kept: { node: string; reason: string }[] = [];
  for (const l of layers.values()) {
    const r = regionOf(l, layers);
    regions.set(l.node, r);
    if (r.blocked) {
      if (!r.values.some((v) => v.isGraphOutput())) kept.push({ node: l.node.label(), reason: r.blocked });
      continue;
    }
    newOut.set(l.node, Math.max(minWidth, Math.round(l.outWidth * m)));
  }
  // Apply: per-channel constants, reshapes and consumer input widths follow each shrunk output.
  const shrunk: ShrunkLayer[] = [];
  for (const [node, width] of newOut) {
    const l = layers.get(node)!;
    const r = regions.get(node)!;
    shrunk.push({ node: node.label(), from: l.outWidth, to: width });
    for (const { value, axis } of r.consts) {
      const t = value.const!;
      const s = sliceAlong(t.values() as Float32Array, t.shape, axis, width);
      g.setConst(value, float32Tensor(s.shape, s.data));
    }
    for (const { value, axis, perChannel } of r.reshapes) {
      const dims = Array.from(value.const!.values() as ArrayLike<number | bigint>, Number);
      dims[axis] = width * perChannel;
      g.setConst(value, int64Tensor([...value.const!.shape], dims));
    }
    for (const { layer, perChannel } of r.consumers) newIn.set(layer, width * perChannel);
    for (const v of r.values)
      if (v.producer() && !v.isGraphOutput()) v.type = v.dtype ? tensorType(v.dtype) : undefined;
  }
  // Re-initialise every weight layer at its new shape; the student is a fresh network.
  const random = seededRandom(options.seed ?? 0);
  for (const l of layers.values()) {
    const out = newOut.get(l.node) ?? l.outWidth;
    const inn = newIn.get(l.node) ?? l.inWidth;
    const old = l.weight.const!.shape;
    let shape: number[];
    if (l.kind === 'conv') shape = [out, inn, ...old.slice(2)];
    else if (l.kind === 'gemm' && l.node.getInt('transB', 0) !== 0) shape = [out, inn];
    else shape = [inn, out];
    const receptive = old.slice(2).reduce((a, b) => a * b, 1);
    const kind: InitKind = regions.get(l.node)!.firstActivation ? 'he' : 'glorot';
    const count = shape.reduce((a, b) => a * b, 1);
    g.setConst(l.weight, float32Tensor(shape, initWeights(kind, inn * receptive, out * receptive, count, random)));
    if (l.bias) {
      const b = l.bias.const!;
      const bShape = b.size === l.outWidth ? b.shape.map((d) => (d === l.outWidth ? out : d)) : [...b.shape];
      g.setConst(l.bias, float32Tensor(bShape, new Float32Array(bShape.reduce((a, c) => a * c, 1))));
    }
  }
  // Fresh BatchNormalization statistics: identity at the start of training.
  for (const node of g.topologicalOrder()) {
    if (node.opType !== 'BatchNormalization') continue;
    [1, 2, 3, 4].forEach((i) => {
      const p = node.input(i);
      if (!p?.isInitializer() || p.const!.dtype !== 'float32') return;
      const fill = i === 1 || i === 4 ? 1 : 0;
      g.setConst(p, float32Tensor([...p.const!.shape], new Float32Array(p.const!.size).fill(fill)));
    });
  }
  return { model, layers: shrunk, kept };
}
