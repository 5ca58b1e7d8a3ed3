// QDQ model -> float model, for runtimes without integer kernels (TF.js): quantize-static's
// DequantizeLinear of a constant becomes the float constant it stands for (the weights keep their
// rounding, so the numbers are those of the quantized model), and a QuantizeLinear -> DequantizeLinear
// pair on an activation is removed. Dropping a pair drops its clamp: quantize-static folds a Relu
// into an output zero point (uint8 zp 0: nothing below 0 is representable), so where the pair could
// not hold a negative value and its input is not already non-negative a Relu takes its place.
// Activation rounding and saturation at the calibrated range are quantization noise and are not
// emulated (the result computes activations in float).
import {
  constOf,
  dequantizeValues,
  dropUnusedInitializers,
  isIntegerType,
  tensorFromValues,
  walkGraphs,
  type Graph,
  type Model,
  type Node,
  type QuantParams,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { bypassNode } from './graph-utils.js';

export interface DequantizeForFloatRuntimeStats {
  /** DequantizeLinear nodes of constants replaced by float constants. */
  constantsDequantized: number;
  /** QuantizeLinear -> DequantizeLinear pairs on activations removed. */
  pairsRemoved: number;
  /** Relu nodes added where a removed pair clamped at zero. */
  clampsAdded: number;
}

/** Integer ranges of the storage types quantize passes emit. */
const RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int4: [-8, 7],
  uint4: [0, 15],
};

const isOnnx = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';

function numbers(t: Tensor): number[] {
  return Array.from(t.values() as ArrayLike<number | bigint>, Number);
}

/** Scale / zero point / axis of a Q or DQ node whose parameters are constants; undefined otherwise. */
function paramsOf(node: Node, rank: number, storage: string): QuantParams | undefined {
  const s = constOf(node.input(1));
  if (s === undefined || node.getInt('block_size', 0) !== 0) return undefined;
  const zpT = constOf(node.input(2));
  const scale = s.toFloat32();
  if (zpT !== undefined && zpT.size !== scale.length) return undefined;
  const zeroPoint = zpT === undefined ? new Int32Array(scale.length) : Int32Array.from(numbers(zpT));
  const params: QuantParams = {
    dtype: zpT?.dtype ?? (storage as QuantParams['dtype']),
    scale: Float32Array.from(scale),
    zeroPoint,
  };
  if (scale.length > 1) {
    const axis = node.getInt('axis', 1);
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) return undefined;
    params.axis = a;
  }
  return params;
}

function sameParams(a: Node, b: Node): boolean {
  const same = (x: Value | null, y: Value | null) => {
    if (x === y) return true;
    const tx = constOf(x);
    const ty = constOf(y);
    if (tx === undefined || ty === undefined || tx.dtype !== ty.dtype || tx.size !== ty.size) return false;
    const vx = numbers(tx);
    const vy = numbers(ty);
    return vx.every((v, i) => v === vy[i]);
  };
  return same(a.input(1), b.input(1)) && same(a.input(2), b.input(2)) && a.getInt('axis', 1) === b.getInt('axis', 1);
}

/** True when `v` cannot be negative: a Relu (or Clip at >= 0) produced it. */
function knownNonNegative(v: Value): boolean {
  const p = v.producer();
  if (p === null || p === undefined || !isOnnx(p)) return false;
  if (p.opType === 'Relu') return true;
  if (p.opType === 'Clip') {
    const lo = p.inputs.length > 1 ? constOf(p.input(1)) : undefined;
    return lo !== undefined ? lo.toFloat32()[0]! >= 0 : p.getFloat('min', -Infinity) >= 0;
  }
  return false;
}

function dequantizeConstant(g: Graph, dq: Node): boolean {
  const x = constOf(dq.input(0));
  const out = dq.outputs[0];
  if (x === undefined || out === undefined || out === null || !isIntegerType(x.dtype) || out.isGraphOutput())
    return false;
  const params = paramsOf(dq, x.shape.length, x.dtype);
  if (params === undefined) return false;
  const data = dequantizeValues(numbers(x), params, x.shape);
  const name = out.name;
  const f = g.addInitializer(g.uniqueName(`${name}_float`), tensorFromValues('float32', x.shape, data));
  g.replaceAllUsesWith(out, f);
  g.remove(dq);
  if (g.value(name) === undefined) g.rename(f, name);
  return true;
}

/** Removes Q (and its DQ readers) when every reader is a DQ with the same parameters. */
function removePair(g: Graph, q: Node, stats: DequantizeForFloatRuntimeStats, touched: (Value | null)[]): boolean {
  const x = q.input(0);
  const qOut = q.outputs[0];
  if (x === null || qOut === undefined || qOut === null || qOut.isGraphOutput() || constOf(x) !== undefined)
    return false;
  const readers = qOut.uses().map((u) => u.node);
  if (
    readers.length === 0 ||
    readers.some(
      (r) => r.opType !== 'DequantizeLinear' || !isOnnx(r) || r.graph !== g || r.input(0) !== qOut || !sameParams(q, r),
    )
  )
    return false;
  const zpT = constOf(q.input(2));
  const storage = zpT?.dtype ?? 'uint8';
  const range = RANGES[storage];
  const params = paramsOf(q, x.shape?.length ?? 1, storage);
  if (range === undefined || params === undefined) return false;
  // The lowest value the pair can give back; >= 0 means it clamps at zero (a folded Relu).
  const lowest = Math.min(...Array.from(params.scale, (s, i) => (range[0] - params.zeroPoint[i]!) * s));
  const clamp = lowest >= 0 && !knownNonNegative(x);
  // A DQ output that is a graph output keeps its name: the value taking its place must be a node
  // output of this graph that can be renamed (one such reader at most).
  const outputReaders = readers.filter((r) => r.outputs[0]?.isGraphOutput() === true).length;
  if (
    outputReaders > 1 ||
    (outputReaders === 1 && !clamp && (x.graph !== g || x.producer() === null || x.isGraphOutput()))
  )
    return false;
  for (const r of readers) touched.push(...r.inputs);
  let replacement = x;
  if (clamp) {
    const relu = g.insertAfter(q, { opType: 'Relu', inputs: [x], outputs: [g.uniqueName(`${x.name}_clamped`)] });
    if (x.type !== undefined) relu.output().type = x.type;
    replacement = relu.output();
    stats.clampsAdded++;
  }
  for (const dq of readers) bypassNode(g, dq, replacement);
  g.remove(q);
  stats.pairsRemoved++;
  return true;
}

/**
 * Rewrites a QDQ model into a float model in place (see the file comment). DequantizeLinear of
 * non-constants that no QuantizeLinear pairs with, block-wise DQ, and Q nodes whose output stays
 * integer (a graph output, an integer op) are left as they are.
 */
export function dequantizeForFloatRuntime(model: Model): DequantizeForFloatRuntimeStats {
  const stats: DequantizeForFloatRuntimeStats = { constantsDequantized: 0, pairsRemoved: 0, clampsAdded: 0 };
  for (const g of walkGraphs(model.graph)) {
    const touched: (Value | null)[] = [];
    for (const node of [...g.topologicalOrder()]) {
      if (node.isRemoved() || !isOnnx(node)) continue;
      if (node.opType === 'DequantizeLinear') {
        const inputs = [...node.inputs];
        if (dequantizeConstant(g, node)) {
          stats.constantsDequantized++;
          touched.push(...inputs);
        }
      } else if (node.opType === 'QuantizeLinear') {
        const inputs = [...node.inputs];
        if (removePair(g, node, stats, touched)) touched.push(...inputs);
      }
    }
    dropUnusedInitializers(g, touched);
  }
  return stats;
}

/** True when the model holds QuantizeLinear / DequantizeLinear nodes (a QDQ model). */
export function hasQdqNodes(model: Model): boolean {
  for (const g of walkGraphs(model.graph)) {
    for (const n of g) if (isOnnx(n) && (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear')) return true;
  }
  return false;
}
