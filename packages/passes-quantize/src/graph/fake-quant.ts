// Quantization-aware training on a QDQ model: every integer constant behind a DequantizeLinear
// (weights, int32 biases, quantized Add/Mul operands) becomes a float initializer that runs
// through QuantizeLinear with the same scale and zero point, so the training runtime sees the
// quantization error (fake quantization, straight-through gradients) while the optimizer moves
// float values. The trained float holds the value in units of its quantization step (w / s,
// multiplied back by s in the graph): one learning rate then moves every layer's codes alike,
// whatever its scale, so a code can cross a rounding boundary within a few hundred steps. Afterwards each float is rounded back into its original integer initializer:
// the model is again exactly the QDQ graph quantize-static wrote, with retrained integers.
import {
  attr,
  constOf,
  dequantizeValues,
  float32Tensor,
  integerRange,
  tensorFromValues,
  type DataType,
  type Graph,
  type Model,
  type Node,
  type Tensor,
  type Value,
} from '@enxuto/ir';
import { roundHalfEven } from '../kernels/params.js';

/** One integer constant turned into a trainable float. */
export interface FakeQuantWeight {
  /** The original integer initializer (unread while training; rewritten by `restoreQuantized`). */
  quantized: Value;
  /** The float initializer the optimizer trains: the value divided by its scale (float codes). */
  float: Value;
  dequantize: Node;
  /** The Mul by the scale, the Min/Max clamps and the QuantizeLinear added in front of the DequantizeLinear. */
  added: Node[];
  /** Constants added for them (scale, bounds). */
  constants: Value[];
  /** Integer grid: narrower than the dtype for narrow-range or fewer-bit weights. */
  qmin: number;
  qmax: number;
}

/** The integer grid of a constant: (dtype, grid) for weights read by a compute op, else the dtype's own. */
export type GridOf = (dequantize: Node, dtype: DataType) => { qmin: number; qmax: number };

interface QuantParams {
  scale: Float32Array;
  zeroPoint: Int32Array;
  axis: number | undefined;
}

function paramsOf(dq: Node, rank: number): QuantParams {
  const scale = constOf(dq.inputs[1])!.toFloat32();
  const zp = constOf(dq.inputs[2] ?? null);
  const zeroPoint = zp ? Int32Array.from(zp.values() as ArrayLike<number>) : new Int32Array(scale.length);
  const a = dq.getInt('axis', 1);
  return { scale, zeroPoint, axis: scale.length > 1 ? (a < 0 ? a + rank : a) : undefined };
}

/** A bound tensor broadcast along the quantization axis (or a scalar per tensor). */
function boundTensor(p: QuantParams, shape: readonly number[], q: number) {
  const values = Float32Array.from(p.scale, (s, c) => (q - p.zeroPoint[c]!) * s);
  if (p.axis === undefined) return float32Tensor([], values.subarray(0, 1));
  return float32Tensor(
    shape.map((d, i) => (i === p.axis ? d : 1)),
    values,
  );
}

function isIntegerConstant(v: Value | null): v is Value {
  const t = constOf(v);
  return t !== undefined && /^u?int(4|8|16|32)$/.test(t.dtype);
}

/**
 * Rewrites `model` for training; returns the constants it made trainable. `floatOf` gives the float
 * weight a constant was rounded from, if known: training starts from it (its codes unrounded, as in
 * the whitepaper's QAT from a float checkpoint), so small updates already flip the codes that sit
 * near a rounding boundary; otherwise training starts from the integer codes themselves.
 */
export function toFakeQuant(
  model: Model,
  gridOf: GridOf,
  floatOf: (quantized: Value) => Tensor | undefined = () => undefined,
): FakeQuantWeight[] {
  const g = model.graph;
  const out: FakeQuantWeight[] = [];
  for (const dq of [...g]) {
    if (dq.opType !== 'DequantizeLinear' || dq.domain !== '' || !isIntegerConstant(dq.inputs[0]!)) continue;
    if (!constOf(dq.inputs[1]) || dq.getInt('block_size', 0) !== 0) continue;
    const quantized = dq.inputs[0]!;
    const t = quantized.const!;
    const p = paramsOf(dq, t.shape.length);
    const source = floatOf(quantized);
    const { qmin, qmax } = gridOf(dq, t.dtype);
    const values =
      source?.size === t.size
        ? source.toFloat32()
        : dequantizeValues(
            t.values() as ArrayLike<number>,
            {
              dtype: t.dtype,
              scale: p.scale,
              zeroPoint: p.zeroPoint,
              ...(p.axis !== undefined ? { axis: p.axis } : {}),
            },
            t.shape,
          );
    const steps = p.axis === undefined ? p.scale.subarray(0, 1) : p.scale;
    const stepShape = p.axis === undefined ? [] : t.shape.map((d, i) => (i === p.axis ? d : 1));
    const inner = p.axis === undefined ? values.length : t.shape.slice(p.axis + 1).reduce((a, b) => a * b, 1);
    const codes = Float32Array.from(values, (v, i) => {
      const c = p.axis === undefined ? 0 : Math.floor(i / inner) % steps.length;
      // Kept within the grid (in float units: codes minus the zero point), where gradients flow.
      const x = v / steps[c]!;
      return Math.min(qmax - p.zeroPoint[c]!, Math.max(qmin - p.zeroPoint[c]!, x));
    });
    const float = g.addInitializer(g.uniqueName(`${quantized.name}_codes`), float32Tensor(t.shape, codes));
    const full = integerRange(t.dtype);
    const added: Node[] = [];
    const scaleValue = g.addInitializer(
      g.uniqueName(`${quantized.name}_step`),
      float32Tensor(stepShape, Float32Array.from(steps)),
    );
    const constants: Value[] = [scaleValue];
    const mul = g.addNode({
      opType: 'Mul',
      name: g.uniqueName(`${quantized.name}_Mul`),
      inputs: [float, scaleValue],
      outputs: [g.uniqueName(`${quantized.name}_float`)],
    });
    mul.outputs[0]!.type = { kind: 'tensor', dtype: 'float32', shape: [...t.shape] };
    added.push(mul);
    let x: Value = mul.outputs[0]!;
    if (qmin > full.min || qmax < full.max) {
      // A grid narrower than the dtype (e.g. 4-bit codes in int8): clamp first, so training sees
      // exactly the values the integer initializer can hold.
      for (const [op, q] of [
        ['Min', qmax],
        ['Max', qmin],
      ] as const) {
        const bound = g.addInitializer(g.uniqueName(`${quantized.name}_${op}`), boundTensor(p, t.shape, q));
        constants.push(bound);
        const n = g.addNode({
          opType: op,
          name: g.uniqueName(`${quantized.name}_${op}`),
          inputs: [x, bound],
          outputs: [g.uniqueName(`${quantized.name}_clamped`)],
        });
        n.outputs[0]!.type = { kind: 'tensor', dtype: 'float32', shape: [...t.shape] };
        added.push(n);
        x = n.outputs[0]!;
      }
    }
    const q = g.addNode({
      opType: 'QuantizeLinear',
      name: g.uniqueName(`${quantized.name}_QuantizeLinear`),
      inputs: [x, dq.inputs[1]!, ...(dq.inputs[2] ? [dq.inputs[2]] : [])],
      outputs: [g.uniqueName(`${quantized.name}_fake`)],
      ...(p.axis !== undefined ? { attributes: { axis: attr.int(p.axis) } } : {}),
    });
    q.outputs[0]!.type = { kind: 'tensor', dtype: t.dtype, shape: [...t.shape] };
    added.push(q);
    g.setInput(dq, 0, q.outputs[0]!);
    out.push({ quantized, float, dequantize: dq, added, constants, qmin, qmax });
  }
  return out;
}

/** Rounds each trained float into its integer initializer and removes the training nodes. */
export function restoreQuantized(g: Graph, weights: readonly FakeQuantWeight[]): void {
  for (const w of weights) {
    const t = w.quantized.const!;
    const p = paramsOf(w.dequantize, t.shape.length);
    const f = w.float.const!.toFloat32();
    const inner = p.axis === undefined ? f.length : t.shape.slice(p.axis + 1).reduce((a, b) => a * b, 1);
    const channels = p.scale.length;
    const q = new Float64Array(f.length);
    for (let i = 0; i < f.length; i++) {
      const c = p.axis === undefined ? 0 : Math.floor(i / inner) % channels;
      // What the training graph computed: Mul(codes, s) in float32, then round(x / s) + zero point.
      const x = Math.fround(f[i]! * p.scale[c]!);
      const v = roundHalfEven(Math.fround(x / p.scale[c]!)) + p.zeroPoint[c]!;
      q[i] = Number.isNaN(v) ? p.zeroPoint[c]! : Math.min(w.qmax, Math.max(w.qmin, v));
    }
    g.setConst(w.quantized, tensorFromValues(t.dtype, t.shape, q));
    g.setInput(w.dequantize, 0, w.quantized);
    g.remove(w.added);
    for (const v of [w.float, ...w.constants]) if (!v.isDetached() && v.uses().length === 0) g.removeValue(v);
  }
}
