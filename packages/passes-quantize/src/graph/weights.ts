// Weight and bias quantization into initializers + DequantizeLinear nodes.
import { attr, dequantizeValues, tensorFromValues, type Graph, type Tensor, type Value } from '@enxuto/ir';
import { finiteMse } from '../kernels/mse.js';
import { finiteRange } from '../kernels/range.js';
import {
  perAxisParams,
  quantRange,
  roundHalfEven,
  safeScale,
  scaleZeroPoint,
  type QuantType,
} from '../kernels/params.js';
import { quantizePerAxis, quantizePerTensor } from '../kernels/quantize.js';
import { addConst, addQuantParams, inMemory, type TensorStore } from './helpers.js';

export interface QuantizedWeight {
  /** Integer data. */
  q: Tensor;
  scale: Float32Array;
  zeroPoint: Int32Array;
  /** Axis of the per-channel scales; undefined when per-tensor. */
  axis: number | undefined;
  /** Mean squared error of the round trip, for reports. */
  mse: number;
}

export interface WeightSpec {
  type: QuantType;
  symmetric: boolean;
  /** Per-channel axis, or undefined for per-tensor. */
  axis: number | undefined;
  /** Bits of the type actually used (7: reduced range); default all. */
  bits?: number;
  /** Smallest scale per channel (or one for the tensor); see `biasSafeWeightScales`. */
  minScale?: Float32Array;
}

/** Quantizes a float weight tensor (pure; no graph changes). */
export function quantizeWeightTensor(w: Tensor, spec: WeightSpec): QuantizedWeight {
  const data = w.toFloat32();
  const qspec = { type: spec.type, symmetric: spec.symmetric, ...(spec.bits ? { bits: spec.bits } : {}) };
  let scale: Float32Array;
  let zeroPoint: Int32Array;
  let q;
  if (spec.axis !== undefined && w.shape.length > 0) {
    ({ scale, zeroPoint } = perAxisParams(data, w.shape, spec.axis, qspec));
    if (spec.minScale) for (let c = 0; c < scale.length; c++) scale[c] = Math.max(scale[c]!, spec.minScale[c] ?? 0);
    q = quantizePerAxis(data, w.shape, spec.axis, scale, zeroPoint, spec.type);
  } else {
    const p = scaleZeroPoint(finiteRange(data), qspec);
    if (spec.minScale) p.scale = Math.fround(Math.max(p.scale, ...spec.minScale));
    scale = Float32Array.of(p.scale);
    zeroPoint = Int32Array.of(p.zeroPoint);
    q = quantizePerTensor(data, p.scale, p.zeroPoint, spec.type);
  }
  if (spec.bits !== undefined) {
    // The zero point's rounding can put an extreme one code past a narrower grid.
    const { qmin, qmax } = quantRange(spec.type, spec.symmetric, spec.bits);
    for (let i = 0; i < q.length; i++) q[i] = q[i]! < qmin ? qmin : q[i]! > qmax ? qmax : q[i]!;
  }
  return {
    q: tensorFromValues(spec.type, w.shape, q),
    scale,
    zeroPoint,
    axis: spec.axis,
    mse: roundTripMse(data, q, scale, zeroPoint, w.shape, spec.axis),
  };
}

function roundTripMse(
  x: Float32Array,
  q: ArrayLike<number>,
  scale: Float32Array,
  zp: Int32Array,
  shape: readonly number[],
  axis: number | undefined,
): number {
  const back = dequantizeValues(
    q,
    { dtype: 'int8', scale, zeroPoint: zp, ...(axis !== undefined ? { axis } : {}) },
    shape,
  );
  return finiteMse(x, back);
}

/** Adds `q` (+ scale, zero point) as initializers and a DequantizeLinear reading them. */
export function addDequantizedWeight(
  g: Graph,
  base: string,
  qw: QuantizedWeight,
  type: QuantType | 'int32',
  store: TensorStore = inMemory,
): Value {
  const qv = addConst(g, `${base}_quantized`, store(qw.q));
  const perAxis = qw.axis !== undefined && qw.scale.length > 1;
  const dims = perAxis ? [qw.scale.length] : [];
  const { scale, zeroPoint } = addQuantParams(g, base, qw.scale, qw.zeroPoint, type, dims, store);
  const dq = g.addNode({
    opType: 'DequantizeLinear',
    name: g.uniqueName(`${base}_DequantizeLinear`),
    inputs: [qv, scale, zeroPoint],
    outputs: [g.uniqueName(`${base}_dequantized`)],
    ...(perAxis ? { attributes: { axis: attr.int(qw.axis!) } } : {}),
  });
  const out = dq.outputs[0]!;
  out.type = { kind: 'tensor', dtype: 'float32', shape: [...qw.q.shape] };
  return out;
}

/**
 * Smallest weight scale per channel at which the int32 bias (scale s_x * s_w) still fits with room
 * to spare for the accumulated products: a channel with near-zero weights but a real bias (common
 * after BatchNorm folding) would otherwise get a tiny weight scale and a bias clamped at the int32
 * limit, i.e. a wrong constant in that channel's output. `channels`: 1 for a per-tensor scale.
 */
export function biasSafeWeightScales(b: Tensor, inputScale: number, channels: number): Float32Array {
  const data = b.toFloat32();
  const out = new Float32Array(channels);
  const limit = 2 ** 30; // half the int32 range
  for (let i = 0; i < data.length; i++) {
    const need = Math.abs(data[i]!) / (inputScale * limit);
    const c = channels === 1 ? 0 : i;
    if (Number.isFinite(need) && need > out[c]!) out[c] = need;
  }
  return out;
}

/** int32 bias with scale s_x * s_w[c] and zero point 0 (what integer Conv/Gemm kernels add). */
export function quantizeBias(b: Tensor, inputScale: number, weightScale: Float32Array): QuantizedWeight {
  const data = b.toFloat32();
  const perChannel = weightScale.length > 1;
  const scale = new Float32Array(weightScale.length);
  for (let c = 0; c < scale.length; c++) scale[c] = safeScale(inputScale * weightScale[c]!);
  const q = new Int32Array(data.length);
  const lim = 2 ** 31 - 1;
  let err = 0;
  for (let i = 0; i < data.length; i++) {
    const s = scale[perChannel ? i : 0]!;
    let v = roundHalfEven(data[i]! / s);
    if (v !== v) v = 0;
    q[i] = v > lim ? lim : v < -lim ? -lim : v;
    const d = data[i]! - q[i]! * s;
    if (d === d && Number.isFinite(d)) err += d * d;
  }
  return {
    q: tensorFromValues('int32', b.shape, q),
    scale,
    zeroPoint: new Int32Array(scale.length),
    axis: perChannel ? 0 : undefined,
    mse: data.length ? err / data.length : 0,
  };
}

/** [r, c] -> [c, r]. */
export function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const src = t.toFloat32();
  const out = new Float32Array(src.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j]!;
  return tensorFromValues('float32', [c, r], out);
}
