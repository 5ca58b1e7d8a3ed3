// Static quantization in QDQ form: QuantizeLinear -> DequantizeLinear pairs on activations, int8
// weights behind DequantizeLinear, int32 biases. The pattern DQ -> Conv/Gemm/MatMul -> Q is what
// onnxruntime fuses into integer kernels; ops that only move data (MaxPool, Reshape, ...) get the
// same scale on both sides so onnxruntime drops their Q/DQ and runs them on int8.
import {
  attr,
  CheckError,
  constOf,
  dropUnusedInitializers,
  soleConsumer,
  type Model,
  type Node,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { scaleZeroPoint } from '../kernels/params.js';
import type { Range } from '../kernels/range.js';
import {
  HARD_ACTIVATION_OPS,
  type HardActivationContext,
  type QuantizedValue,
  lowerHardActivation,
  quantizeConstantInput,
} from './hard-activations.js';
import { addQuantParams } from './helpers.js';
import {
  DEFAULT_QDQ_OPTIONS,
  LOOKUP_OPS,
  OUTPUT_TAIL_OPS,
  OWN_SCALE_OPS,
  PASS_THROUGH_OPS,
  type QdqOptions,
} from './qdq-rules.js';
import {
  addDequantizedWeight,
  biasSafeWeightScales,
  quantizeBias,
  quantizeWeightTensor,
  transpose2d,
} from './weights.js';

export interface LayerReport {
  node: string;
  /** The node's first output (before any Relu folding): a name `exclude` accepts even for unnamed nodes. */
  output: string;
  opType: string;
  weightMse: number;
  weightAxis: number | undefined;
}

export interface QdqReport {
  layers: LayerReport[];
  activations: number;
  reluFused: number;
  /** Relu moved after a MaxPool in front of a quantized op (see commuteReluMaxPool). */
  reluMoved: number;
  passThrough: number;
}

type ActQuant = QuantizedValue;

export function insertQdq(
  model: Model,
  ranges: ReadonlyMap<string, Range>,
  options: Partial<QdqOptions> = {},
  /** Told each quantized weight initializer and the float weight it rounds (quantization-aware training starts from it). */
  onWeight?: (quantized: Value, float: Tensor) => void,
): QdqReport {
  const o = { ...DEFAULT_QDQ_OPTIONS, ...options };
  const g = model.graph;
  const excluded = new Set(o.exclude);
  const ops = new Set(o.ops);
  /** DequantizeLinear outputs we made for activations -> their quantization. */
  const dqOf = new Map<Value, ActQuant>();
  /** Float activation -> its DQ output (one Q/DQ pair per value, shared by every consumer). */
  const done = new Map<Value, Value>();
  const report: QdqReport = { layers: [], activations: 0, reluFused: 0, reluMoved: 0, passThrough: 0 };

  const rangeOf = (v: Value): Range => {
    const r = ranges.get(v.name);
    if (!r)
      throw new CheckError(`no calibrated range for ${v.name}`, {
        code: 'quantize/no-range',
        value: v.name,
        field: 'ranges',
      });
    return r;
  };

  const quantizeActivation = (v: Value, params?: ActQuant, range?: Range): Value => {
    const existing = done.get(v);
    if (existing) return existing;
    if (dqOf.has(v)) return v;
    let q = params;
    if (!q) {
      const p = scaleZeroPoint(range ?? rangeOf(v), { type: o.activationType, symmetric: o.activationSymmetric });
      const made = addQuantParams(g, v.name, Float32Array.of(p.scale), Int32Array.of(p.zeroPoint), o.activationType);
      q = { ...made, scaleValue: p.scale };
    }
    // A graph output keeps its name on the final DequantizeLinear, so callers see the same interface.
    const keepName = v.isGraphOutput() ? v.name : undefined;
    if (keepName) g.rename(v, g.uniqueName(`${keepName}_float`));
    const qn = g.addNode({
      opType: 'QuantizeLinear',
      name: g.uniqueName(`${v.name}_QuantizeLinear`),
      inputs: [v, q.scale, q.zeroPoint],
      outputs: [g.uniqueName(`${v.name}_quantized`)],
    });
    const dqn = g.addNode({
      opType: 'DequantizeLinear',
      name: g.uniqueName(`${v.name}_DequantizeLinear`),
      inputs: [qn.outputs[0]!, q.scale, q.zeroPoint],
      outputs: [keepName ?? g.uniqueName(`${v.name}_dequantized`)],
    });
    const dq = dqn.outputs[0]!;
    const shape = v.shape;
    qn.outputs[0]!.type = { kind: 'tensor', dtype: o.activationType, ...(shape ? { shape } : {}) };
    dq.type = v.type ?? { kind: 'tensor', dtype: 'float32' };
    for (const u of [...v.uses()]) if (u.node !== qn) g.setInput(u.node, u.index, dq);
    if (v.isGraphOutput()) g.setOutputs(g.outputs.map((x) => (x === v ? dq : x)));
    dqOf.set(dq, q);
    done.set(v, dq);
    report.activations++;
    return dq;
  };

  const hardContext: HardActivationContext = {
    g,
    activationType: o.activationType,
    range: (name) => ranges.get(name),
    quantize: (v, range) => quantizeActivation(v, undefined, range),
    adopt: (dq, q) => dqOf.set(dq, q),
  };

  const isExcluded = (n: Node) => excluded.has(n.name) || n.outputs.some((v) => v && excluded.has(v.name));

  for (const node of [...g]) {
    if (node.isRemoved() || node.domain !== '' || isExcluded(node)) continue;
    if (ops.has(node.opType) && quantizableCompute(node)) {
      quantizeCompute(node);
    } else if (PASS_THROUGH_OPS.has(node.opType)) {
      const src = node.inputs[0];
      const y = node.outputs[0];
      const q = src ? dqOf.get(src) : undefined;
      if (q && y && y.dtype !== 'int64' && !reachesOutput(y)) {
        quantizeActivation(y, q);
        report.passThrough++;
      }
    } else if (o.quantizeOthers && LOOKUP_OPS.has(node.opType)) {
      const x = node.inputs[0];
      const y = node.outputs[0];
      if (x && y && dqOf.has(x) && ranges.has(y.name) && !reachesOutput(y)) quantizeActivation(y);
    } else if (o.quantizeOthers && !o.activationSymmetric && HARD_ACTIVATION_OPS.has(node.opType)) {
      const x = node.inputs[0];
      const y = node.outputs[0];
      if (x && y && dqOf.has(x) && !reachesOutput(y)) lowerHardActivation(node, x, hardContext);
    } else if (o.quantizeOthers && OWN_SCALE_OPS.has(node.opType)) {
      const acts = node.inputs.filter((v): v is Value => v !== null && !constOf(v));
      const y = node.outputs[0];
      if (y && acts.length > 0 && acts.every((v) => dqOf.has(v)) && ranges.has(y.name)) {
        // Constant operands of Add/Mul get quantized too (their DQ is folded into the QLinear op).
        node.inputs.forEach((_, i) => quantizeConstantInput(g, node, i, o.activationType));
        if (reachesOutput(y)) continue;
        const folded = foldClampingActivation(y);
        quantizeActivation(folded.value, undefined, folded.range);
      }
    }
  }
  return report;

  function quantizableCompute(n: Node): boolean {
    const x = n.inputs[0];
    const w = constOf(n.inputs[1]);
    if (!x || !w || w.dtype !== 'float32' || x.dtype === 'int64') return false;
    if (n.opType === 'Gemm')
      return (
        n.getInt('transA', 0) === 0 && (n.inputs[2] === undefined || n.inputs[2] === null || !!constOf(n.inputs[2]))
      );
    if (n.opType === 'Conv') {
      if (n.getInt('group', 1) === 1 && w.shape[1]! < o.minInputChannels) return false;
      const depthwise = n.getInt('group', 1) > 1 && w.shape[1] === 1;
      const depth = w.shape.slice(1).reduce((a, b) => a * b, 1);
      // Over a single position (squeeze-excite's 1x1 maps) a narrow conv costs a call, not a slow
      // loop: a float island there would only add Q/DQ and layout changes.
      const positions = n.outputs[0]?.shape?.slice(2);
      const single = positions?.every((d) => d === 1) ?? false;
      if (!single && (depthwise ? w.shape[0]! : depth) < o.minChannels) return false;
      return w.shape.length >= 3 && (!n.inputs[2] || !!constOf(n.inputs[2]));
    }
    if (n.opType === 'MatMul') return w.shape.length >= 2;
    return false;
  }

  function weightAxis(n: Node, rank: number): number {
    if (n.opType === 'Conv') return 0;
    if (n.opType === 'Gemm') return n.getInt('transB', 0) ? 0 : 1;
    return rank - 1; // MatMul [.., K, N]: one scale per output column
  }

  function quantizeCompute(n: Node): void {
    const x = n.inputs[0]!;
    const wv = n.inputs[1]!;
    let w = constOf(wv)!;
    // onnxruntime fuses DQ -> Gemm -> Q into QGemm only for a [N, K] weight (transB = 1) when
    // per-channel: a transB = 0 weight stays a float Gemm behind a DequantizeLinear.
    if (n.opType === 'Gemm' && o.perChannel && !n.getInt('transB', 0) && w.shape.length === 2) {
      w = transpose2d(w);
      n.setAttr('transB', attr.int(1));
    }
    const xdq = quantizeActivation(o.fuseRelu && !o.activationSymmetric ? commuteReluMaxPool(x) : x);
    const sx = dqOf.get(xdq)!.scaleValue;
    const axis = o.perChannel ? weightAxis(n, w.shape.length) : undefined;
    const bias = constOf(n.inputs[2]);
    const channels = axis === undefined ? 1 : w.shape[axis]!;
    const qw = quantizeWeightTensor(w, {
      type: o.weightType,
      symmetric: o.weightSymmetric,
      axis,
      bits: Math.min(o.weightBits, o.reduceRange ? 7 : 8),
      ...(bias && (channels === 1 || bias.size === channels)
        ? { minScale: biasSafeWeightScales(bias, sx, channels) }
        : {}),
    });
    const wdq = addDequantizedWeight(g, wv.name, qw, o.weightType);
    onWeight?.(wdq.producer()!.inputs[0]!, w);
    g.setInput(n, 1, wdq);
    dropUnusedInitializers(g, [wv]);
    const bv = n.inputs[2];
    const b = constOf(bv);
    if (bv && b && b.shape.length === 1 && (qw.scale.length === 1 || b.size === qw.scale.length)) {
      const qb = quantizeBias(b, sx, qw.scale);
      g.setInput(n, 2, addDequantizedWeight(g, bv.name, qb, 'int32'));
      dropUnusedInitializers(g, [bv]);
    }
    report.layers.push({
      node: n.label(),
      output: n.outputs[0]!.name,
      opType: n.opType,
      weightMse: qw.mse,
      weightAxis: qw.axis,
    });
    const y = n.outputs[0]!;
    if (reachesOutput(y)) return;
    const folded = foldClampingActivation(y);
    if (folded.range) {
      quantizeActivation(folded.value, undefined, folded.range);
      return;
    }
    // Gemm/MatMul feeding only float consumers (or the graph output) give float results directly
    // (onnxruntime's QGemm / MatMulIntegerToFloat): a Q/DQ pair there would only add work.
    if (n.opType !== 'Conv' && !feedsQuantizedOps(y)) return;
    quantizeActivation(y);
  }

  /**
   * A Relu or Clip(0, hi) (Relu6) reading only `y` folds into `y`'s quantization: a zero point at
   * the bottom of the range clamps at 0 and the top of the range at hi, as onnxruntime's own
   * quantizer does. Returns the value to quantize (the folded op's output name moves to `y`) and the
   * clamped range, or `y` alone when nothing folds.
   */
  function foldClampingActivation(y: Value): { value: Value; range?: Range } {
    const next = soleConsumer(y);
    if (!o.fuseRelu || o.activationSymmetric || !next || next.domain !== '' || isExcluded(next)) return { value: y };
    if (next.opType !== 'Relu' && !(next.opType === 'Clip' && clipsAtZero(next))) return { value: y };
    const r = next.outputs[0]!;
    const range = rangeOf(r);
    const name = r.name;
    const type = r.type;
    g.replaceAllUsesWith(r, y);
    g.remove(next);
    g.rename(y, name);
    if (type) y.type = type;
    report.reluFused++;
    return { value: y, range: { min: Math.max(0, range.min), max: Math.max(0, range.max) } };
  }

  /**
   * Float `MaxPool(Relu(c))` in front of a quantized op becomes `Relu(MaxPool(c))` (the same values:
   * both are monotonic). onnxruntime propagates a QuantizeLinear backwards through MaxPool, which
   * then runs as a slow uint8 NCHW MaxPool; a Relu in between stops that, and onnxruntime later
   * folds the Relu into the QuantizeLinear. The pooled Relu also touches 4x fewer values.
   */
  function commuteReluMaxPool(x: Value): Value {
    const pool = x.producer();
    if (pool?.opType !== 'MaxPool' || pool.domain !== '' || pool.outputs.some((v, i) => i > 0 && v)) return x;
    const r = pool.inputs[0];
    const relu = r?.producer();
    if (
      !r ||
      !relu ||
      relu.opType !== 'Relu' ||
      relu.domain !== '' ||
      r.uses().length !== 1 ||
      r.isGraphOutput() ||
      x.isGraphOutput()
    )
      return x;
    if (isExcluded(relu) || isExcluded(pool) || !ranges.has(x.name)) return x;
    g.setInput(pool, 0, relu.inputs[0]!);
    const name = x.name;
    const type = x.type;
    g.rename(x, g.uniqueName(`${name}_before_relu`));
    const moved = g.insertAfter(pool, { opType: 'Relu', name: relu.name, inputs: [x], outputs: [name] }).outputs[0]!;
    if (type) moved.type = type;
    for (const u of [...x.uses()]) if (u.node !== moved.producer()) g.setInput(u.node, u.index, moved);
    g.remove(relu);
    report.reluMoved++;
    return moved;
  }

  /**
   * Does `v` reach a graph output through ops that only move data or apply a cheap element-wise
   * function? Those outputs stay float: quantizing them saves one small layer's time but rounds
   * what the caller reads to 256 levels of a range set by the largest calibration value (a box
   * regressor's or a logit's range; a Sigmoid probability near 0 becomes exactly 0).
   */
  function reachesOutput(v: Value): boolean {
    if (v.isGraphOutput()) return true;
    return v
      .uses()
      .some(
        ({ node: c }) =>
          c.domain === '' && OUTPUT_TAIL_OPS.has(c.opType) && c.outputs.some((w) => !!w && reachesOutput(w)),
      );
  }

  function feedsQuantizedOps(y: Value): boolean {
    if (reachesOutput(y) || y.uses().length === 0) return false;
    return y
      .uses()
      .every(
        ({ node: c }) =>
          c.domain === '' &&
          !isExcluded(c) &&
          (ops.has(c.opType) ||
            PASS_THROUGH_OPS.has(c.opType) ||
            (o.quantizeOthers && (OWN_SCALE_OPS.has(c.opType) || LOOKUP_OPS.has(c.opType))) ||
            c.opType === 'Relu'),
      );
  }
}

/** Clip with a constant lower bound of exactly 0 and a constant (or no) upper bound >= 0. */
function clipsAtZero(clip: Node): boolean {
  const bound = (i: number): number | undefined => {
    const v = clip.inputs[i];
    if (!v) return undefined;
    const c = constOf(v);
    return c && c.size === 1 ? Number(c.values()[0]) : Number.NaN;
  };
  const lo = bound(1) ?? clip.getFloat('min', Number.NEGATIVE_INFINITY);
  const hi = bound(2) ?? clip.getFloat('max', Number.POSITIVE_INFINITY);
  return lo === 0 && hi >= 0;
}
