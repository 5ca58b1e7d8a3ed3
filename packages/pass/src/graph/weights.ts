// Finding a layer's weight: an initializer read directly, or through Reshape / Transpose nodes of
// constants (older ONNX exports reshape MatMul weights; TF exports transpose them), possibly shared
// by several layers. One answer for every pass, so pruning, quantization and distillation agree on
// what a layer's weight is.
import {
  constOf,
  dropUnusedInitializers,
  reshapeTarget,
  reshapeTensor,
  reversedAxes,
  tensorFromValues,
  transposeValues,
  type DataType,
  type Graph,
  type Node,
  type Tensor,
  type TypedArray,
  type Value,
} from '@enxuto/ir';

export type WeightView = 'Reshape' | 'Transpose';

/** The ops whose input 1 is a weight, by default. */
export const WEIGHT_OPS: readonly string[] = ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'];

export interface WeightRef {
  /** The node reading the weight. */
  node: Node;
  /** Which input of `node` the weight is (1 for Conv, Gemm, MatMul). */
  index: number;
  /** The initializer holding the data. */
  source: Value;
  /** Reshape / Transpose nodes from `source` to `node`, in data-flow order (empty when direct). */
  views: readonly Node[];
  /** The weight's shape as `node` reads it. */
  shape: number[];
  /** Other nodes reading the same `source` (directly or through views). */
  sharedWith: readonly Node[];
}

export interface FindWeightsOptions {
  /** Ops whose weight input to look at (default WEIGHT_OPS, default domain only). */
  ops?: readonly string[];
  /** Weight input index (default 1). */
  index?: number;
  /** Element type the weight must have (default float32). */
  dtype?: DataType;
  /** Which views to see through (default both; [] for initializers read directly only). */
  views?: readonly WeightView[];
}

interface Traced {
  source: Value;
  views: Node[];
  shape: number[];
}

/** The initializer behind `v` through the allowed views, with the shape the reader sees. */
function trace(v: Value, allowed: ReadonlySet<string>): Traced | undefined {
  const views: Node[] = [];
  let cur = v;
  while (!cur.isInitializer()) {
    const p = cur.producer();
    if (p?.domain !== '' || !allowed.has(p.opType) || !p.input(0)) return undefined;
    if (p.opType === 'Reshape' && !constOf(p.input(1))) return undefined;
    views.unshift(p);
    cur = p.input(0)!;
  }
  let shape: number[] | undefined = [...cur.const!.shape];
  for (const view of views) {
    shape = viewShape(view, shape);
    if (!shape) return undefined;
  }
  return { source: cur, views, shape };
}

function viewShape(view: Node, shape: number[]): number[] | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  if (view.opType === 'Reshape') {
    const spec = Array.from(constOf(view.input(1))!.values() as ArrayLike<number | bigint>, Number);
    return reshapeTarget(shape, size, spec, view.getInt('allowzero', 0) === 1);
  }
  const perm = view.getInts('perm') ?? reversedAxes(shape.length);
  if (perm.length !== shape.length || [...perm].sort().some((p, i) => p !== i)) return undefined;
  return perm.map((p) => shape[p]!);
}

/** Every node reading `source`, directly or through a chain of single-input views. */
function readers(source: Value, allowed: ReadonlySet<string>): Set<Node> {
  const out = new Set<Node>();
  const walk = (v: Value): void => {
    for (const { node, index } of v.uses()) {
      if (index === 0 && node.domain === '' && allowed.has(node.opType) && node.outputs.length === 1)
        walk(node.output(0));
      else out.add(node);
    }
  };
  walk(source);
  return out;
}

/**
 * The weights of `graph`'s layers in topological order: one entry per reading node, so a weight
 * shared by two layers appears twice (with `sharedWith` naming the other). Only initializers of
 * `graph` itself count (not values of an enclosing graph).
 */
export function findWeights(graph: Graph, options: FindWeightsOptions = {}): WeightRef[] {
  const ops = new Set(options.ops ?? WEIGHT_OPS);
  const index = options.index ?? 1;
  const dtype = options.dtype ?? 'float32';
  const allowed = new Set<string>(options.views ?? ['Reshape', 'Transpose']);
  const out: WeightRef[] = [];
  for (const node of graph) {
    if (node.domain !== '' || !ops.has(node.opType)) continue;
    const v = node.input(index);
    const t = v ? trace(v, allowed) : undefined;
    if (!t || t.source.graph !== graph || t.source.const!.dtype !== dtype) continue;
    const sharedWith = [...readers(t.source, allowed)].filter((n) => n !== node);
    out.push({ node, index, ...t, sharedWith });
  }
  return out;
}

/** The weight's data as its node reads it (views applied). */
export function weightTensor(ref: WeightRef): Tensor {
  let t = ref.source.const!;
  for (const view of ref.views) {
    if (view.opType === 'Reshape') {
      t = reshapeTensor(t, viewShape(view, [...t.shape])!);
    } else {
      const perm = view.getInts('perm') ?? reversedAxes(t.shape.length);
      const values = t.values() as TypedArray as Float32Array;
      const Ctor = values.constructor as new (n: number) => Float32Array;
      const r = transposeValues(values, t.shape, perm, (n) => new Ctor(n));
      t = tensorFromValues(t.dtype, r.shape, r.values);
    }
  }
  return t;
}

/**
 * Replaces the viewed weight by an initializer holding the data as the node reads it (named
 * `<source>_reshaped` after a Reshape, `<source>_transposed` after a Transpose) for every reader of
 * that view, then removes the views and constants nothing reads any more. Returns the new
 * initializer (or the source when the weight was read directly).
 */
export function materializeWeight(graph: Graph, ref: WeightRef): Value {
  const read = ref.node.input(ref.index)!;
  if (ref.views.length === 0 || read.isInitializer()) return read; // direct, or materialized already
  const suffix = ref.views.some((v) => v.opType === 'Transpose') ? 'transposed' : 'reshaped';
  const v = graph.addInitializer(graph.uniqueName(`${ref.source.name}_${suffix}`), weightTensor(ref));
  graph.replaceAllUsesWith(read, v);
  for (const view of [...ref.views].reverse()) {
    if (view.outputs.some((o) => o && (o.uses().length > 0 || o.isGraphOutput()))) break;
    const inputs = [...view.inputs];
    graph.remove(view);
    dropUnusedInitializers(graph, inputs);
  }
  return v;
}
