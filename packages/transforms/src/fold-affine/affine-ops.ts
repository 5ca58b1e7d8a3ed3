// Per-channel affine ops after a layer, as numbers: BatchNormalization (inference), and Mul, Div, Add,
// Sub with a float32 constant that broadcasts along the layer's output channels only.
import { constOf, type Node, type Tensor, type Value } from '@enxuto/ir';
import { batchNormScaleShift } from '../kernels/batchnorm.js';
import type { Layer } from './layers.js';

export interface Affine {
  scale?: Float64Array;
  shift?: Float64Array;
}

export const AFFINE_OPS = new Set(['BatchNormalization', 'Mul', 'Div', 'Add', 'Sub']);

/** `t` as one value per output channel, when it broadcasts against the layer output along channels only. */
function perChannel(t: Tensor, layer: Layer): Float64Array | undefined {
  const rank = t.shape.length;
  if (layer.outputRank === undefined ? rank > 1 : rank > layer.outputRank) return undefined;
  // Dims counted from the end: only the channel axis may be other than 1.
  for (let k = 0; k < rank; k++) {
    const d = t.shape[rank - 1 - k]!;
    if (d !== 1 && !(k === layer.axisFromEnd && d === layer.channels)) return undefined;
  }
  const v = t.toFloat32();
  const out = new Float64Array(layer.channels);
  for (let c = 0; c < out.length; c++) out[c] = v.length === 1 ? v[0]! : v[c]!;
  return out.every(Number.isFinite) ? out : undefined;
}

function batchNorm(bn: Node, layer: Layer): Affine | undefined {
  if (bn.getInt('training_mode', 0) !== 0 || bn.getInt('spatial', 1) !== 1) return undefined;
  if (bn.outputs.slice(1).some((v) => v && (v.uses().length > 0 || v.isGraphOutput()))) return undefined;
  // BatchNormalization normalises axis 1: the layer's channel axis only when that is axis 1.
  if (layer.outputRank === undefined || layer.outputRank - 1 - layer.axisFromEnd !== 1) return undefined;
  const p = [1, 2, 3, 4].map((i) => constOf(bn.input(i)));
  if (!p.every((t) => t?.dtype === 'float32' && t.size === layer.channels)) return undefined;
  const [gamma, beta, mean, variance] = p.map((t) => t!.toFloat32()) as Float32Array[];
  return batchNormScaleShift({
    gamma: gamma!,
    beta: beta!,
    mean: mean!,
    variance: variance!,
    epsilon: bn.getFloat('epsilon', 1e-5),
  });
}

/** The affine map `op` applies to the layer output `y`, or undefined when it is not one. */
export function affineOf(op: Node, y: Value, layer: Layer): Affine | undefined {
  if (op.domain !== '' || !AFFINE_OPS.has(op.opType)) return undefined;
  if (op.opType === 'BatchNormalization') return op.input(0) === y ? batchNorm(op, layer) : undefined;
  if (op.inputs.length !== 2 || op.outputs.length !== 1) return undefined;
  const first = op.input(0) === y;
  const other = first ? op.input(1) : op.input(0);
  // Sub/Div with the layer output second are not affine in it the same way (k - y, k / y).
  if (!first && (op.opType === 'Sub' || op.opType === 'Div')) return undefined;
  if (other === y) return undefined;
  const k = constOf(other);
  if (k?.dtype !== 'float32' || other!.isGraphInput()) return undefined;
  const v = perChannel(k, layer);
  if (!v) return undefined;
  switch (op.opType) {
    case 'Mul':
      return { scale: v };
    case 'Div':
      return v.every((x) => x !== 0) ? { scale: v.map((x) => 1 / x) } : undefined;
    case 'Add':
      return { shift: v };
    default:
      return { shift: v.map((x) => -x) };
  }
}
